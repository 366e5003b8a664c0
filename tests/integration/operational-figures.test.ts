import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeHandler as makeCollector } from '#functions/operations/collect-metrics.js';
import { metrics } from '#shared/powertools/metrics.js';
import { asMetrics, computeOperationalFigures } from '#functions/operations/operational-figures.js';
import { lambdaContext, ran } from '../support/events.js';
import { seedRequest } from '../support/requests.js';
import { testStack, type TestStack } from '../support/stack.js';

let current = new Date('2026-02-10T14:00:00Z');
const clock = { now: () => current };
let stack: TestStack;

beforeAll(async () => {
  stack = await testStack({ overrides: { clock } });
});
afterAll(() => stack.close());

const at = (hhmm: string, day = '2026-02-10') => `${day}T${hhmm}:00Z`;
const minutesAgo = (m: number) => new Date(current.getTime() - m * 60_000);

async function makeAvailable(id: string, lat: number, lon: number, recordedAt: Date) {
  await stack.deps.technicians.recordLocation(id, { location: { lat, lon }, recordedAt });
  await stack.deps.technicians.setAvailability(id, 'available');
}

describe('with no data at all', () => {
  it('reports zero counts, no averages or compliance (null, not 0 or 100) and zero coverage, without dividing by zero', async () => {
    current = new Date('2026-02-10T14:00:00Z');
    const figures = await computeOperationalFigures(stack.deps);
    expect(figures).toEqual({
      at: current,
      todayStartedAt: new Date('2026-02-10T00:00:00Z'),
      pendingRequests: 0,
      assignedRequests: 0,
      inProgressRequests: 0,
      completedToday: 0,
      unverifiedCompletions: { lastHour: 0, today: 0 },
      averageResponseMinutes: { lastHour: null, today: null },
      slaCompliancePercent: { lastHour: null, today: null },
      oldestPendingMinutes: 0,
      highPriorityPending: 0,
      availableTechnicians: 0,
      coveragePercent: 0,
      utilisationPercent: null,
      requestsLastMinute: 0,
      openPastDeadline: 0,
      customerSatisfaction: { last24Hours: null, ratings: 0, target: 4.5 },
      heuristicEtaError: { last24Hours: { compared: 0, meanAbsoluteMinutes: null, biasMinutes: null } },
    });
    expect(asMetrics(figures).map((m) => m.name)).toEqual([
      'PendingRequests',
      'AssignedRequests',
      'InProgressRequests',
      'CompletedToday',
      'UnverifiedCompletions',
      'UnverifiedCompletionsToday',
      'OldestPendingMinutes',
      'HighPriorityPending',
      'AvailableTechnicians',
      'CoveragePercent',
      'RequestsPerMinute',
      'OpenRequestsPastDeadline',
      'CustomerRatings',
    ]);
  });
});

describe('with a seeded afternoon (14:00 GMT)', () => {
  beforeAll(async () => {
    current = new Date('2026-02-10T14:00:00Z');
    const seeds = [
      { status: 'pending', createdAt: at('13:40'), priority: 1 },
      { status: 'pending', createdAt: at('13:55'), priority: 3 },
      // Waiting three hours; its deadline (12:30) passed before the last hour began.
      { status: 'pending', createdAt: at('11:00'), priority: 2 },
      { status: 'assigned', createdAt: at('13:30') },
      { status: 'en_route', createdAt: at('13:00') },
      // Deadline 13:45 passed, technician not there yet: a breach in the last hour.
      { status: 'en_route', createdAt: at('12:15') },
      { status: 'on_site', createdAt: at('12:50'), onSiteAt: at('13:30') },
      // Arrived 105 minutes after the call: late.
      { status: 'completed', createdAt: at('12:00'), onSiteAt: at('13:45'), completedAt: at('13:59'), rating: 5 },
      { status: 'completed', createdAt: at('08:00'), onSiteAt: at('08:50'), completedAt: at('09:20') },
      // On site at 13:20 but closed by an operations override: no verified arrival, so no response time; counted apart.
      {
        status: 'completed',
        createdAt: at('12:40'),
        onSiteAt: at('13:20'),
        completedAt: at('13:35'),
        unverified: true,
      },
      {
        status: 'completed',
        createdAt: at('22:00', '2026-02-09'),
        onSiteAt: at('22:40', '2026-02-09'),
        completedAt: at('23:30', '2026-02-09'),
        rating: 4,
      },
      // Rated more than 24 hours ago: not in CustomerSatisfaction.
      {
        status: 'completed',
        createdAt: at('09:00', '2026-02-08'),
        onSiteAt: at('09:40', '2026-02-08'),
        completedAt: at('10:10', '2026-02-08'),
        rating: 1,
      },
      // Cancelled after its 13:30 deadline with nobody there: a breach. Cancelled in time: not judged.
      { status: 'cancelled', createdAt: at('12:00'), cancelledAt: at('13:40') },
      { status: 'cancelled', createdAt: at('13:00'), cancelledAt: at('13:10') },
      // In the last minute, cancelled in time: only the request rate sees it.
      { status: 'cancelled', createdAt: '2026-02-10T13:59:30Z', cancelledAt: '2026-02-10T13:59:50Z' },
      { status: 'cancelled', createdAt: '2026-02-10T13:59:40Z', cancelledAt: '2026-02-10T13:59:50Z', isTest: true },
      // Synthetic tests must never move a figure.
      { status: 'pending', createdAt: at('10:00'), priority: 1, isTest: true },
      {
        status: 'completed',
        createdAt: at('11:00'),
        onSiteAt: at('13:50'),
        completedAt: at('13:55'),
        isTest: true,
        rating: 1,
      },
      { status: 'en_route', createdAt: at('10:00'), isTest: true },
    ] as const;
    for (const seed of seeds) await seedRequest(stack.sql, seed);
    await makeAvailable('fig-london', 51.5074, -0.1278, minutesAgo(1));
    await makeAvailable('fig-inverness', 57.4778, -4.2247, minutesAgo(1.5));
    await makeAvailable('fig-stale', 53.48, -2.24, minutesAgo(3));
    await makeAvailable('fig-break', 52.48, -1.89, minutesAgo(1));
    await stack.deps.technicians.setAvailability('fig-break', 'on_break');
  });

  it('computes every figure exactly', async () => {
    expect(await computeOperationalFigures(stack.deps)).toEqual({
      at: current,
      todayStartedAt: new Date('2026-02-10T00:00:00Z'),
      pendingRequests: 3,
      assignedRequests: 1,
      inProgressRequests: 3,
      completedToday: 3,
      unverifiedCompletions: { lastHour: 1, today: 1 },
      // Verified arrivals only. Last hour: 40 and 105 minutes. Today: 40, 105 and 50.
      averageResponseMinutes: { lastHour: 72.5, today: 65 },
      // Last hour: 1 in time of 2 arrivals + 2 missed deadlines. Today: 2 in time of 3 arrivals + 3 missed.
      slaCompliancePercent: { lastHour: 25, today: 33.3 },
      oldestPendingMinutes: 180,
      highPriorityPending: 2,
      // Fresh and available only: not the one silent for 3 minutes (LOCATION_FRESH_MINUTES is 2), not the one on a break.
      availableTechnicians: 2,
      // London covers London, Luton and Reading; Inverness covers Inverness: (8900 + 260 + 320 + 50) / 27890.
      coveragePercent: 34.2,
      // On a job: 1 assigned, 2 en route, 1 on site; free: the 2 available. 4 of 6.
      utilisationPercent: 66.7,
      // Created 13:59:30 (cancelled at once); the synthetic one beside it is not counted.
      requestsLastMinute: 1,
      openPastDeadline: 2,
      // 5 at 13:59 and 4 yesterday evening (inside 24 hours); 1 from two days ago and a synthetic 1 are left out.
      customerSatisfaction: { last24Hours: 4.5, ratings: 2, target: 4.5 },
      heuristicEtaError: { last24Hours: { compared: 0, meanAbsoluteMinutes: null, biasMinutes: null } },
    });
  });

  it('publishes the same figures as EMF in TyreHero/Emergency with service, stage and region dimensions', async () => {
    const blobs: ReturnType<typeof metrics.serializeMetrics>[] = [];
    // Metrics are disabled in tests (nothing printed); capture what would be printed at the moment it would be.
    const publish = vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => {
      blobs.push(metrics.serializeMetrics());
      metrics.clearMetrics();
      return metrics;
    });
    try {
      const result = ran(await makeCollector(stack.deps)({}, lambdaContext('collectMetrics')));
      expect(result.metrics).toMatchObject({
        PendingRequests: 3,
        AverageResponseMinutes: 72.5,
        SlaCompliancePercentToday: 33.3,
        CoveragePercent: 34.2,
      });
    } finally {
      publish.mockRestore();
    }
    expect(blobs).toHaveLength(1);
    const blob = blobs[0]!;
    const directive = blob._aws.CloudWatchMetrics[0]!;
    expect(directive.Namespace).toBe('TyreHero/Emergency');
    expect(directive.Dimensions).toEqual([['service', 'stage', 'region']]);
    expect(blob).toMatchObject({ service: 'tyrehero-dispatch', stage: 'test', region: 'eu-west-2' });
    const values = Object.fromEntries(
      directive.Metrics.map((m) => [m.Name, [(blob as unknown as Record<string, number>)[m.Name], m.Unit]]),
    );
    expect(values).toEqual({
      PendingRequests: [3, 'Count'],
      AssignedRequests: [1, 'Count'],
      InProgressRequests: [3, 'Count'],
      CompletedToday: [3, 'Count'],
      UnverifiedCompletions: [1, 'Count'],
      UnverifiedCompletionsToday: [1, 'Count'],
      AverageResponseMinutes: [72.5, 'None'],
      AverageResponseMinutesToday: [65, 'None'],
      SlaCompliancePercent: [25, 'Percent'],
      SlaCompliancePercentToday: [33.3, 'Percent'],
      OldestPendingMinutes: [180, 'None'],
      HighPriorityPending: [2, 'Count'],
      AvailableTechnicians: [2, 'Count'],
      CoveragePercent: [34.2, 'Percent'],
      TechnicianUtilisationPercent: [66.7, 'Percent'],
      RequestsPerMinute: [1, 'Count'],
      OpenRequestsPastDeadline: [2, 'Count'],
      CustomerSatisfaction: [4.5, 'None'],
      CustomerRatings: [2, 'Count'],
      // The promise SLO (95 %), good = arrived by the deadline of arrived + missed (the gateway's SLOs have no
      // figures here). 5 min: nothing judged. 30 min and 1 h: 1 good of 4, 0.75 / 0.05 = 15×. 6 h: 2 of 6 (+ the
      // 08:50 arrival, the 12:30 deadline missed), 13.33×. 3 days and 30 days: 4 of 8 (+ two arrivals before today), 10×.
      SloPromiseBurnRate5m: [0, 'None'],
      SloPromiseBurnRate30m: [15, 'None'],
      SloPromiseBurnRate1h: [15, 'None'],
      SloPromiseBurnRate6h: [13.3333, 'None'],
      SloPromiseBurnRate3d: [10, 'None'],
      // Ten times the budget spent: -900 % left.
      SloPromiseBudgetRemainingPercent: [-900, 'Percent'],
    });
  });
});

describe('the UK day across the clock changes', () => {
  it.each([
    // 29 March 2026: BST begins at 01:00 UTC; the day began at 00:00 GMT.
    { now: '2026-03-29T10:00:00Z', counted: '2026-03-29T00:01:00Z', notCounted: '2026-03-28T23:59:00Z' },
    // 30 March 2026, in BST: the day began at 23:00 UTC on the 29th.
    { now: '2026-03-30T10:00:00Z', counted: '2026-03-29T23:30:00Z', notCounted: '2026-03-29T22:59:00Z' },
    // 25 October 2026: BST ends at 01:00 UTC; that 25-hour day began at 23:00 UTC on the 24th.
    { now: '2026-10-25T23:30:00Z', counted: '2026-10-24T23:10:00Z', notCounted: '2026-10-24T22:50:00Z' },
  ])(
    'at $now counts a completion at $counted as today and one at $notCounted as yesterday',
    async ({ now, counted, notCounted }) => {
      current = new Date(now);
      const before = (await computeOperationalFigures(stack.deps)).completedToday;
      const created = (iso: string) => new Date(new Date(iso).getTime() - 60 * 60_000).toISOString();
      await seedRequest(stack.sql, {
        status: 'completed',
        createdAt: created(counted),
        onSiteAt: created(counted),
        completedAt: counted,
      });
      await seedRequest(stack.sql, {
        status: 'completed',
        createdAt: created(notCounted),
        onSiteAt: created(notCounted),
        completedAt: notCounted,
      });
      expect((await computeOperationalFigures(stack.deps)).completedToday).toBe(before + 1);
    },
  );
});
