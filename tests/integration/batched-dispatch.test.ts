import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeHandler as makeCreate } from '#functions/intake/create.js';
import { redispatch } from '#functions/dispatch/redispatch.js';
import { emergencyBody } from '../fixtures/emergencies.js';
import { apiEvent, invoke, lambdaContext } from '../support/events.js';
import { testStack, type TestStack } from '../support/stack.js';
import { availableTechnician } from '../support/technicians.js';

// The batched policy (DISPATCH_POLICY=batched, the default) on the real engines: the fast path, the batched window,
// the late request that is still served, and no double booking when intakes and a window race.
let now = new Date('2026-01-14T14:00:00Z');
const later = (minutes: number) => (now = new Date(now.getTime() + minutes * 60_000));
let stack: TestStack;

beforeAll(async () => {
  stack = await testStack({
    env: { DISPATCH_POLICY: 'batched', DB_POOL_MAX: '20' },
    overrides: { clock: { now: () => now } },
  });
});
afterAll(() => stack.close());

const create = () => makeCreate(stack.deps);
const burstContext = () => lambdaContext('tyrehero-dispatch-test-fn', 120_000);
async function intake(lat: number, lon: number, over: Record<string, unknown> = {}) {
  const response = await invoke(
    create(),
    apiEvent({ method: 'POST', path: '/emergencies', body: emergencyBody({ location: { lat, lon }, ...over }) }),
    burstContext(),
  );
  expect(response.status).toBe(201);
  return response.body as {
    id: string;
    status: string;
    priority: number;
    technician?: { id: string };
    slaAtRisk?: boolean;
  };
}
const rowOf = async (id: string) =>
  (await stack.sql.query('SELECT status, technician_id FROM emergency_requests WHERE id = $1', [id])).rows[0] as {
    status: string;
    technician_id: string | null;
  };
async function freeAll() {
  await stack.sql.query(
    `UPDATE emergency_requests SET status = 'cancelled', cancelled_at = $1 WHERE status IN ('pending', 'assigned')`,
    [now],
  );
  for (const h of await stack.deps.technicians.listHolding())
    await stack.deps.technicians.release(h.technicianId, h.requestId);
}
async function expectNoDoubleBooking(ids: readonly string[]) {
  const { rows } = await stack.sql.query<{ technician_id: string; n: number }>(
    `SELECT technician_id, count(*)::int AS n FROM emergency_requests WHERE status IN ('assigned', 'en_route', 'on_site') GROUP BY technician_id`,
  );
  for (const row of rows) expect(row.n, row.technician_id).toBe(1);
  for (const id of ids) {
    const open = await stack.sql.query(
      `SELECT id FROM emergency_requests WHERE technician_id = $1 AND status IN ('assigned', 'en_route', 'on_site')`,
      [id],
    );
    expect((await stack.deps.technicians.position(id))?.currentJob, id).toBe(open.rows[0]?.id);
  }
  return rows.length;
}

describe('batched dispatch', () => {
  it('answers with the nearest technician at once, reading nothing more, while supply is spare', async () => {
    const fleet = Array.from({ length: 6 }, (_, i) => `spare-${i}`);
    for (const [i, id] of fleet.entries())
      await availableTechnician(stack, id, { lat: 53.8 + i * 0.01, lon: -1.55 }, now);
    const counted = vi.spyOn(stack.deps.requests, 'countPendingInCell');
    const answer = await intake(53.8, -1.55);
    expect(answer).toMatchObject({ status: 'assigned', technician: { id: 'spare-0' } });
    expect(counted).not.toHaveBeenCalled();
    counted.mockRestore();
    await freeAll();
  });

  it('leaves a new request for the window where older ones wait for the few technicians left, and the window serves the most urgent', async () => {
    later(10);
    // Two technicians in Bristol, and three requests already waiting there (nobody was free when they came).
    const waiting = [];
    for (let i = 0; i < 3; i++)
      waiting.push(
        await intake(51.45 + i * 0.005, -2.59, {
          issue: 'puncture',
          // The first has a child in the car: priority 2, the others 4.
          safety: { onMotorway: false, vulnerableOccupants: i === 0 },
        }),
      );
    expect(waiting.map((w) => w.priority)).toEqual([2, 4, 4]);
    expect(waiting.map((w) => w.status)).toEqual(['pending', 'pending', 'pending']);
    later(1);
    await availableTechnician(stack, 'bristol-a', { lat: 51.46, lon: -2.58 }, now);
    await availableTechnician(stack, 'bristol-b', { lat: 51.44, lon: -2.6 }, now);

    // A blow-out on the motorway arrives before the window: priority 1, and supply is short, so no first-come claim.
    const urgent = await intake(51.451, -2.592);
    expect(urgent).toMatchObject({ status: 'pending', priority: 1, slaAtRisk: false });
    expect(urgent.technician).toBeUndefined();

    later(1);
    const run = await redispatch(stack.deps);
    expect(run).toMatchObject({ attempted: 4, assigned: 2, stillPending: 2 });
    // The two most urgent, whatever the order they came in: the priority-1 blow-out and the priority-2 puncture.
    expect((await rowOf(urgent.id)).status).toBe('assigned');
    expect((await rowOf(waiting[0]!.id)).status).toBe('assigned');
    expect(await expectNoDoubleBooking(['bristol-a', 'bristol-b'])).toBe(2);
    await freeAll();
  });

  it('still serves a request past its deadline when a technician frees up: never starved', async () => {
    later(10);
    const stranded = await intake(57.48, -4.22, { safety: { onMotorway: false } }); // Inverness, nobody on shift
    expect(stranded).toMatchObject({ status: 'pending', slaAtRisk: true });
    later(100); // past its 90 minutes
    await availableTechnician(stack, 'inverness-a', { lat: 57.5, lon: -4.3 }, now);
    const run = await redispatch(stack.deps);
    expect(run).toMatchObject({ assigned: 1, stillPending: 0 });
    expect(await rowOf(stranded.id)).toEqual({ status: 'assigned', technician_id: 'inverness-a' });

    // Greedy, as before, never assigns it: the deadline has passed, so nobody can make it.
    await freeAll();
    const late = await intake(57.48, -4.22, { safety: { onMotorway: false } });
    later(100);
    await stack.deps.technicians.recordLocation('inverness-a', { location: { lat: 57.5, lon: -4.3 }, recordedAt: now });
    const greedy = await redispatch({ ...stack.deps, dispatch: { ...stack.deps.dispatch, policy: 'greedy' } });
    expect(greedy).toMatchObject({ assigned: 0, stillPending: 1 });
    expect((await rowOf(late.id)).status).toBe('pending');
    await freeAll();
  });

  it('books nobody twice when a burst of intakes races two batched windows', async () => {
    later(200);
    const fleet = Array.from({ length: 10 }, (_, i) => `race-b-${i}`);
    for (const [i, id] of fleet.entries())
      await availableTechnician(stack, id, { lat: 52.48 + i * 0.002, lon: -1.89 }, now);
    const [answers] = await Promise.all([
      Promise.all(Array.from({ length: 30 }, (_, i) => intake(52.49, -1.9 + i * 0.0005))),
      redispatch(stack.deps),
      redispatch(stack.deps),
    ]);
    expect(answers.every((a) => a.status === 'assigned' || a.status === 'pending')).toBe(true);
    later(1);
    await redispatch(stack.deps);
    expect(await expectNoDoubleBooking(fleet)).toBe(10);
    const { rows } = await stack.sql.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM emergency_requests WHERE status IN ('pending', 'assigned') GROUP BY status ORDER BY status`,
    );
    expect(rows).toEqual([
      { status: 'pending', n: 20 },
      { status: 'assigned', n: 10 },
    ]);
  }, 120_000);
});
