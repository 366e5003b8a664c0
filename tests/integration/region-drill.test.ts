// The reduced two-region drill (npm run drill:region runs the full one): eu-west-2 dies under intake load with jobs
// moving, drFailover moves the service to eu-west-1, and every acknowledged request is accounted for.
import { inject, it, expect } from 'vitest';
import { describeDrill, drillDefaults, runRegionDrill } from '../../scripts/drill/region-drill.js';

it('loses no acknowledged request when eu-west-2 is killed under load, and serves again from eu-west-1 within the RTO', async () => {
  const report = await runRegionDrill({
    ...drillDefaults,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    ratePerSecond: 10,
    secondsBeforeKill: 3,
    secondsAfterRecovery: 2,
    technicians: 4,
  });
  // Every figure, the failed step's detail and any shortfall, with whichever expectation fails.
  const figures = ['', ...describeDrill(report), ...report.timeline.map((t) => `${t.atSeconds} s ${t.event}`)].join(
    '\n',
  );

  // Each phase reached what it waited for (a completed job before the kill, a 201 from eu-west-1, every request and
  // job step answered after the load stopped) rather than its cap.
  expect(report.shortfalls, figures).toEqual([]);
  expect(report.requests.acknowledged, figures).toBeGreaterThan(30);
  // Every request the client started was acknowledged once (it retries the same Idempotency-Key until it is).
  expect(report.requests, figures).toMatchObject({ rejected: 0, unacknowledged: 0 });
  expect(report.requests.acknowledged, figures).toBe(report.requests.started);
  expect(report.accounting, figures).toMatchObject({ lost: 0, lostIds: [] });
  // In the new primary (drained, or put back from the intake journal when replication had not carried it), in the
  // buffer, or put back by drRecover: each acknowledged request in exactly one place.
  expect(report.accounting.inNewPrimary + report.accounting.recoveredByDrRecover, figures).toBe(
    report.requests.acknowledged,
  );
  expect(report.accounting.missingAfterFailover, figures).toBe(report.accounting.recoveredByDrRecover);
  // Served again from eu-west-1: a 201 came from there after the kill, through the real drFailover steps.
  expect(report.rtoSeconds, figures).toBeLessThan(300);
  expect(report.failover.outcome, figures).toBe('succeeded');
  expect(
    report.failover.steps.map((s) => [s.name, s.ok]),
    figures,
  ).toEqual([
    ['promote', true],
    ['wait-for-writer', true],
    ['flip-active-region', true],
    ['drain-buffer', true],
    ['verify', true],
  ]);
  // The technicians' apps took their offers and carried their jobs across: nothing given up, and some completed.
  expect(report.jobSteps.gaveUp, figures).toBe(0);
  expect(report.jobSteps.completedJobs, figures).toBeGreaterThan(0);
  // The standby's lag at the kill, inside the DR plan's 30 s RPO.
  expect(report.rpo.seconds, figures).toBeLessThan(30);
  // Past the drill's own caps (120 s of load for a first completed job, the 300 s RTO for a 201 from eu-west-1, 60 s
  // of retries after the load), each of which ends its phase and names what was missing; it takes 20–60 s.
}, 600_000);
