// The intake journal: a copy of each stored intake in the replicated buffer table, so a failover can put back a 201
// the database's replica never received; invisible to everything that reads the buffer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHandler as makeCreate } from '#functions/intake/create.js';
import { makeHandler as makeDrain } from '#functions/intake/drain.js';
import { emergencyBody } from '../fixtures/emergencies.js';
import { apiEvent, invoke, lambdaContext } from '../support/events.js';
import { testStack, type TestStack } from '../support/stack.js';

let now = new Date('2026-12-06T03:00:00Z');
let stack: TestStack;
beforeAll(async () => {
  stack = await testStack({ overrides: { clock: { now: () => now } } });
});
afterAll(() => stack.close());

const stored = async (id: string) =>
  (await stack.sql.query('SELECT count(*)::int AS n FROM emergency_requests WHERE id = $1', [id])).rows[0].n as number;

describe('the intake journal', () => {
  it('keeps a copy of a stored intake for INTAKE_JOURNAL_SECONDS, unseen by the buffer, and forgets it after', async () => {
    const created = await invoke(
      makeCreate(stack.deps),
      apiEvent({ method: 'POST', path: '/emergencies', body: emergencyBody() }),
    );
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const kept = await stack.deps.journal.kept();
    expect(kept.map((k) => k.request.id)).toEqual([id]);
    expect(kept[0]!.keptUntil).toEqual(new Date(now.getTime() + 120_000));
    expect(kept[0]!.request).toMatchObject({ reference: created.body.reference });
    // Nothing that reads the buffer sees it: not the drain, not drCheck's depth, not tracking's fallback read.
    expect(await stack.deps.intakeBuffer.list(100)).toEqual([]);
    expect(await stack.deps.intakeBuffer.find(id)).toBeUndefined();

    const early = await makeDrain(stack.deps)({}, lambdaContext('drainIntakeBuffer'));
    expect(early).toMatchObject({ leftInBuffer: 0, journal: { kept: 1, restored: 0, forgotten: 0 } });
    now = new Date(now.getTime() + 120_000);
    const late = await makeDrain(stack.deps)({}, lambdaContext('drainIntakeBuffer'));
    expect(late).toMatchObject({ journal: { kept: 1, restored: 0, forgotten: 1 } });
    expect(await stack.deps.journal.kept()).toEqual([]);
  });

  it('puts back an acknowledged intake the database lacks (a 201 the replica never received), once', async () => {
    const created = await invoke(
      makeCreate(stack.deps),
      apiEvent({ method: 'POST', path: '/emergencies', body: emergencyBody() }),
    );
    const id = created.body.id as string;
    // What a promoted replica looks like when the commit never reached it.
    await stack.sql.query('DELETE FROM emergency_requests WHERE id = $1', [id]);
    expect(await stored(id)).toBe(0);

    expect(await stack.deps.settleIntakeJournal()).toEqual({ kept: 1, restored: 1, forgotten: 0 });
    const { rows } = await stack.sql.query(
      'SELECT reference, status, created_at FROM emergency_requests WHERE id = $1',
      [id],
    );
    expect(rows).toEqual([
      { reference: created.body.reference, status: 'pending', created_at: new Date(created.body.createdAt as string) },
    ]);
    expect(await stack.deps.settleIntakeJournal()).toEqual({ kept: 1, restored: 0, forgotten: 0 });
  });
});
