import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseAssessedIncident } from '#functions/operations/assessed-incident.js';
import { testStack, type TestStack } from '../support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await testStack();
});
afterAll(() => stack.close());

const at = (hhmm: string) => new Date(`2026-12-06T${hhmm}:00Z`);

describe('the assessor opening incidents from collectMetrics (real DynamoDB)', () => {
  it('opens nothing for P3 or P4: some impact, nobody paged', async () => {
    const store = stack.deps.incidents;
    expect(
      await raiseAssessedIncident(
        store,
        { severity: 'P3', reasons: ['2 customers affected'] },
        { now: at('08:00'), customersAffected: 2 },
      ),
    ).toBeUndefined();
    expect(await store.listOpen()).toEqual([]);
  });

  it('opens a P2, joins it on the next run, raises it to P1 when the queue grows, and never lowers it again', async () => {
    const store = stack.deps.incidents;
    const p2 = { severity: 'P2' as const, reasons: ['7 emergencies waiting (over 5)'] };
    expect(await raiseAssessedIncident(store, p2, { now: at('08:01'), customersAffected: 0 })).toEqual({
      id: 'INC-20261206-080100',
      joined: false,
      raised: false,
    });
    expect(await raiseAssessedIncident(store, p2, { now: at('08:02'), customersAffected: 0 })).toMatchObject({
      joined: true,
      raised: false,
    });
    const p1 = { severity: 'P1' as const, reasons: ['14 emergencies waiting (over 10)'] };
    expect(await raiseAssessedIncident(store, p1, { now: at('08:03'), customersAffected: 3 })).toEqual({
      id: 'INC-20261206-080100',
      joined: true,
      raised: true,
    });
    expect(await raiseAssessedIncident(store, p2, { now: at('08:04'), customersAffected: 0 })).toMatchObject({
      raised: false,
    });
    const open = await store.listOpen();
    expect(open).toHaveLength(1);
    const incident = open[0]!.incident;
    expect(incident).toMatchObject({
      severity: 'P1',
      cause: 'assessor',
      status: 'open',
      customersAffected: 3,
      paging: { level: 1, pages: 0 },
    });
    expect(incident.timeline.map((e) => [e.at, e.by, e.kind, e.text])).toEqual([
      ['2026-12-06T08:01:00.000Z', 'collectMetrics', 'opened', 'P2: 7 emergencies waiting (over 5) (assessed)'],
      ['2026-12-06T08:03:00.000Z', 'collectMetrics', 'severity-changed', 'P2 → P1: 14 emergencies waiting (over 10)'],
    ]);
  });

  it("leaves a person's severity alone: their override stands against the assessor", async () => {
    const store = stack.deps.incidents;
    const [stored] = await store.listOpen();
    const overridden = {
      ...stored!.incident,
      severity: 'P2' as const,
      severityOverride: { by: 'ops-1', reason: 'queue is a test burst', from: 'P1' as const },
    };
    expect(await store.save(overridden, stored!.version)).toBe(true);
    expect(
      await raiseAssessedIncident(
        store,
        { severity: 'P1', reasons: ['20 emergencies waiting (over 10)'] },
        { now: at('08:05'), customersAffected: 0 },
      ),
    ).toMatchObject({ joined: true, raised: false });
    expect((await store.listOpen())[0]!.incident.severity).toBe('P2');
  });
});
