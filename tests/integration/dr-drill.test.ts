// drDrill on the real engines: a synthetic emergency end to end on the test fleet, with a real technician nearer who is never touched.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnsNotifier } from '#shared/adapters/sns/notifier.js';
import { parseDrillInput, runDrill, type DrillDeps, type DrillResult } from '#functions/disaster-recovery/dr-drill.js';
import type { OperationReport } from '#functions/disaster-recovery/dr-operation.js';
import { testStack, type TestStack } from '../support/stack.js';
import { seedTechnicianProfiles } from '../support/technicians.js';

const topic = 'arn:aws:sns:eu-west-2:123456789012:tyrehero-dispatch-test-ops-alerts';
const sns = mockClient(SNSClient);
let stack: TestStack;
let deps: DrillDeps;
type Report = OperationReport<Record<string, unknown>, DrillResult>;

beforeAll(async () => {
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
  // DISPATCH_MAX_RADIUS_KM keeps searches short on a loaded machine; the drill's technician is 0.6 km away.
  stack = await testStack({
    env: { DISPATCH_MAX_RADIUS_KM: '40' },
    overrides: { notifier: new SnsNotifier(new SNSClient({ region: 'eu-west-2' }), topic) },
  });
  // Generous budgets: this test is about what the drill does, not how fast a shared machine runs it.
  deps = {
    ...stack.deps,
    budgetsMs: {
      intake: 60_000,
      accept: 60_000,
      'en-route': 60_000,
      arrived: 60_000,
      complete: 60_000,
      cleanup: 60_000,
    },
  };
  // A real demo technician right on the drill's breakdown: nearer than the test technician.
  await seedTechnicianProfiles(stack, ['tech-lut-01']);
  await stack.deps.technicians.recordLocation('tech-lut-01', {
    location: { lat: 51.8794, lon: -0.4176 },
    recordedAt: new Date(),
  });
  await stack.deps.technicians.setAvailability('tech-lut-01', 'available');
});
afterAll(() => stack.close());

describe('drDrill', () => {
  it('dry run (the default) prints the plan and touches nothing', async () => {
    const report = (await runDrill(deps, parseDrillInput({}))) as Report;
    expect(report).toMatchObject({ kind: 'drill', dryRun: true, outcome: 'planned' });
    expect(report.planText[1]).toMatch(/synthetic emergency .* dispatched to the test technician/);
    const { rows } = await stack.sql.query('SELECT count(*)::int AS n FROM emergency_requests');
    expect(rows[0].n).toBe(0);
  });

  it('runs intake → test technician → accept → en route → arrived → complete → cleanup, passes, and never touches the real fleet', async () => {
    sns.resetHistory();
    const report = (await runDrill(
      deps,
      parseDrillInput({ dryRun: false, operator: 'ops.lead@tyrehero.co.uk' }),
    )) as Report;
    expect(report.result?.failures).toEqual([]);
    expect(report).toMatchObject({
      outcome: 'succeeded',
      result: { passed: true, technicianId: 'test-drill-technician', sla: { withinSla: true } },
    });
    expect(report.result!.steps.map((s) => s.step)).toEqual([
      'intake',
      'accept',
      'en-route',
      'arrived',
      'complete',
      'cleanup',
    ]);
    expect(report.result!.recordedNotifications).toEqual([
      'customer-assigned',
      'technician-offer',
      'customer-en-route',
      'customer-arrived',
    ]);

    const { rows } = await stack.sql.query(
      'SELECT is_test, status, technician_id FROM emergency_requests WHERE id = $1',
      [report.result!.requestId],
    );
    expect(rows[0]).toEqual({ is_test: true, status: 'completed', technician_id: 'test-drill-technician' });
    expect(await stack.deps.technicians.position('tech-lut-01')).toMatchObject({ status: 'available' });
    expect((await stack.deps.technicians.position('test-drill-technician'))?.status).toBe('offline');
    // Only operations heard about it (start and finish); no SMS left the system.
    expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input)).toEqual([
      expect.objectContaining({ TopicArn: topic, Subject: 'TyreHero DR drill started by ops.lead@tyrehero.co.uk' }),
      expect.objectContaining({
        TopicArn: topic,
        Subject: expect.stringMatching(/^TyreHero DR drill succeeded after/),
      }),
    ]);
  });

  it('fails a step that overruns its budget, and keeps a history operations can list', async () => {
    const slow = (await runDrill(
      { ...deps, budgetsMs: { ...deps.budgetsMs, intake: 0 } },
      parseDrillInput({ dryRun: false, operator: 'monthly-schedule' }),
    )) as Report;
    expect(slow).toMatchObject({
      outcome: 'failed',
      result: { passed: false, failures: [expect.stringMatching(/^intake took \d+ ms \(budget 0 ms\)$/)] },
    });

    const { history } = (await runDrill(deps, parseDrillInput({ history: true }))) as {
      history: Array<{ operator: string; outcome: string; dryRun: boolean }>;
    };
    expect(history.map((h) => [h.operator, h.outcome, h.dryRun])).toEqual([
      ['monthly-schedule', 'failed', false],
      ['ops.lead@tyrehero.co.uk', 'succeeded', false],
      ['dry-run', 'planned', true],
    ]);
  });
});
