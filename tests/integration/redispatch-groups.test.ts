import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHandler as makeCreate } from '#functions/intake/create.js';
import { redispatch, type RedispatchDeps } from '#functions/dispatch/redispatch.js';
import type { TechnicianIndex } from '#shared/ports/technician-index.js';
import { emergencyBody } from '../fixtures/emergencies.js';
import { apiEvent, invoke } from '../support/events.js';
import { testStack, type TestStack } from '../support/stack.js';
import { availableTechnician } from '../support/technicians.js';

// A storm's backlog sits in several ~20 km cells around one city. Redispatch searches them as one group while supply
// is short (one search, every van within reach of any of them), and area by area once it is spare, so each area still
// gets its own nearest vans. On the real engines, counting the searches the index is asked for.
let now = new Date('2026-01-14T14:00:00Z');
const later = (minutes: number) => (now = new Date(now.getTime() + minutes * 60_000));

// Three precision-4 cells around Leeds (gcwf, gcx4, gcw9), 19 and 26 km from the first.
const leeds = { lat: 53.8, lon: -1.55 };
const harrogateRoad = { lat: 53.95, lon: -1.4 };
const huddersfieldRoad = { lat: 53.62, lon: -1.8 };

/** The stack's deps, with an index that counts the searches it is asked for. */
function counting(stack: TestStack): { deps: RedispatchDeps; searches: () => number } {
  let searches = 0;
  const real = stack.deps.technicians;
  const technicians: TechnicianIndex = Object.create(real) as TechnicianIndex;
  technicians.nearestDispatchable = (point, query) => {
    searches++;
    return real.nearestDispatchable(point, query);
  };
  return { deps: { ...stack.deps, technicians }, searches: () => searches };
}

async function intake(stack: TestStack, at: { lat: number; lon: number }) {
  const body = emergencyBody({ location: at, safety: { onMotorway: false } });
  const response = await invoke(makeCreate(stack.deps), apiEvent({ method: 'POST', path: '/emergencies', body }));
  expect(response.status).toBe(201);
  return response.body as { id: string; status: string };
}
const holder = async (stack: TestStack, id: string) =>
  (
    (await stack.sql.query('SELECT status, technician_id FROM emergency_requests WHERE id = $1', [id])).rows[0] as {
      status: string;
      technician_id: string | null;
    }
  ).technician_id;
const near = (p: { lat: number; lon: number }, dLat: number) => ({ lat: p.lat + dLat, lon: p.lon });

describe.each(['greedy', 'batched'] as const)('redispatch of a backlog over nearby areas (%s)', (policy) => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await testStack({ env: { DISPATCH_POLICY: policy }, overrides: { clock: { now: () => now } } });
  });
  afterAll(() => stack.close());

  it('searches once for all of them while supply is short, and gives the one free van as the policy says', async () => {
    // Nobody on shift: all three wait.
    const first = await intake(stack, leeds);
    later(1);
    const second = await intake(stack, harrogateRoad);
    later(1);
    const third = await intake(stack, huddersfieldRoad);
    expect([first.status, second.status, third.status]).toEqual(['pending', 'pending', 'pending']);

    await availableTechnician(stack, `${policy}-g-1`, near(harrogateRoad, 0.01), now);
    later(1);
    const { deps, searches } = counting(stack);
    const report = await redispatch(deps);

    // One search, not one an area: it found fewer vans than the three areas asked for, so it holds every van
    // within reach of any of them.
    expect(searches()).toBe(1);
    expect(report).toMatchObject({ attempted: 3, assigned: 1, stillPending: 2, areasSearched: 1, failures: 0 });
    // The van can reach each of them in time. Greedy gives it to the oldest, as when each area searched alone; the
    // batched window to the one it reaches soonest (same priority, all still able to make it: least total ETA).
    const taker = policy === 'greedy' ? first : second;
    for (const request of [first, second, third])
      expect(await holder(stack, request.id)).toBe(request === taker ? `${policy}-g-1` : null);
  });

  it('searches area by area once supply is spare, so each area gets its own nearest van', async () => {
    // Enough vans near both waiting requests for the group's search to stop before it has them all.
    for (let i = 0; i < 4; i++) {
      await availableTechnician(stack, `${policy}-h-${i}`, near(harrogateRoad, 0.002 * (i + 1)), now);
      await availableTechnician(stack, `${policy}-u-${i}`, near(huddersfieldRoad, 0.002 * (i + 1)), now);
    }
    const waiting = (
      await stack.sql.query<{ id: string }>(
        `SELECT id::text FROM emergency_requests WHERE status = 'pending' ORDER BY created_at`,
      )
    ).rows;
    expect(waiting).toHaveLength(2);
    later(1);
    const { deps, searches } = counting(stack);
    const report = await redispatch(deps);

    // The group's search served the first area; the second searched on its own.
    expect(searches()).toBe(2);
    expect(report).toMatchObject({ attempted: 2, assigned: 2, stillPending: 0, areasSearched: 2 });
    const [harrogate, huddersfield] = waiting;
    expect(await holder(stack, harrogate!.id)).toBe(`${policy}-h-0`);
    expect(await holder(stack, huddersfield!.id)).toBe(`${policy}-u-0`);
  });
});
