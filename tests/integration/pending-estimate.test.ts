// A pending intake answer tells the driver when help may come, only where dispatch has a basis for it, on the real
// engines through the real intake handler under the batched policy: the estimate, the sentence, a retry's bytes.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHandler } from '#functions/intake/create.js';
import { dispatchWindowMinutes } from '#functions/dispatch/dispatch.js';
import { arrivalAt, etaFor } from '#shared/domain/eta.js';
import type { GeoPoint } from '#shared/domain/emergency.js';
import { haversineKm } from '#shared/domain/geo.js';
import { formatUkTime } from '#shared/domain/uk-day.js';
import type { Notification, Notifier } from '#shared/ports/notifier.js';
import { emergencyBody } from '../fixtures/emergencies.js';
import { apiEvent, invoke } from '../support/events.js';
import { testStack, type TestStack } from '../support/stack.js';
import { availableTechnician } from '../support/technicians.js';

let now = new Date('2026-01-14T14:00:00Z');
const later = (seconds: number) => (now = new Date(now.getTime() + seconds * 1000));
const sent: Notification[] = [];
const recording: Notifier = { send: (notification) => Promise.resolve(void sent.push(notification)) };
let stack: TestStack;

beforeAll(async () => {
  stack = await testStack({
    env: { DISPATCH_POLICY: 'batched' },
    overrides: { clock: { now: () => now }, notifier: recording },
  });
});
afterAll(() => stack.close());

const post = (deps: TestStack['deps'], body: unknown, headers: Record<string, string> = {}) =>
  invoke(makeHandler(deps), apiEvent({ method: 'POST', path: '/emergencies', body, headers }));
/** A puncture off the motorway, nobody vulnerable: priority 4, the 61.5 km SLA reach. */
const puncture = (location: GeoPoint) =>
  emergencyBody({ location, issue: 'puncture', safety: { onMotorway: false, vulnerableOccupants: false } });
/** The estimate for the van at `from`: its heuristic ETA off the motorway, plus the wait for the next window. */
const expectedEstimate = (at: GeoPoint, from: GeoPoint) => {
  const etaMinutes = etaFor(haversineKm(at, from), false, stack.deps.dispatch.eta) + dispatchWindowMinutes;
  return { eta: arrivalAt(now, etaMinutes).toISOString(), etaMinutes };
};

describe('a pending intake answer', () => {
  // Bristol: two requests already wait for the two vans that can reach the area, so a new one is left for the window.
  const bristol = { lat: 51.45, lon: -2.59 };
  const near = { lat: 51.46, lon: -2.58 };
  const far = { lat: 51.52, lon: -2.47 };
  beforeAll(async () => {
    for (let i = 0; i < 2; i++)
      expect((await post(stack.deps, puncture({ lat: 51.451 + i * 0.005, lon: -2.59 }))).body.status).toBe('pending');
    await availableTechnician(stack, 'bristol-far', far, now);
    await availableTechnician(stack, 'bristol-near', near, now);
  });

  it('left for the batched window, estimates the nearest van that can make it plus the window, and says it is no promise', async () => {
    const response = await post(stack.deps, puncture(bristol));

    expect(response.status).toBe(201);
    const estimate = expectedEstimate(bristol, near);
    expect(response.body).toMatchObject({
      status: 'pending',
      slaAtRisk: false,
      estimate: { ...estimate, basis: 'nearest-free-van' },
    });
    expect(response.body.technician).toBeUndefined();
    expect(response.body.message).toBe(
      `The nearest free technician who can reach you in time could be with you by about ${formatUkTime(new Date(estimate.eta))} (${estimate.etaMinutes} min). This is an estimate, not a promise: we are matching technicians to everyone waiting near you, and a more urgent breakdown may need them first. We will text you as soon as a technician is assigned.`,
    );
    // Left for the window: nobody was claimed for it.
    expect((await stack.deps.technicians.position('bristol-near'))?.currentJob).toBeUndefined();
  });

  it('replays a pending answer with its estimate byte for byte to a retry with the same Idempotency-Key, a minute on', async () => {
    const body = puncture({ lat: 51.448, lon: -2.595 });
    const key = randomUUID();
    const first = await post(stack.deps, body, { 'Idempotency-Key': key });
    later(40);
    const retry = await post(stack.deps, body, { 'Idempotency-Key': key });

    expect(first.body).toMatchObject({
      status: 'pending',
      estimate: { basis: 'nearest-free-van', etaMinutes: expect.any(Number) },
      message: expect.stringContaining('not a promise'),
    });
    expect(retry.raw).toEqual(first.raw);
  });

  it('when every van that could make it was just taken, estimates no sooner than the nearest of them after the window', async () => {
    // Norwich, five vans in reach (supply is spare, so intake claims at once), each claimed by a concurrent request
    // just before this one's claim: the real conditional claim then refuses it.
    const norwich = { lat: 52.63, lon: 1.3 };
    const vans = Array.from({ length: 5 }, (_, i) => ({ id: `norwich-${i}`, at: { lat: 52.64 + i * 0.01, lon: 1.3 } }));
    for (const van of vans) await availableTechnician(stack, van.id, van.at, now);
    const real = stack.deps.technicians;
    const technicians = Object.assign(Object.create(Object.getPrototypeOf(real) as object) as typeof real, real, {
      claim: async (...[id, requestId, at, fresh]: Parameters<typeof real.claim>) => {
        expect(await real.claim(id, randomUUID(), at, fresh)).toBe(true);
        return real.claim(id, requestId, at, fresh);
      },
    });

    const response = await post({ ...stack.deps, technicians }, puncture(norwich));

    expect(response.body).toMatchObject({
      status: 'pending',
      slaAtRisk: false,
      estimate: { ...expectedEstimate(norwich, vans[0]!.at), basis: 'earliest-possible' },
      message: expect.stringMatching(/^Every technician who could reach you in time has just been given another job/),
    });
  });

  it('when nobody can make the deadline, gives no time at all, and says operations have been alerted (they were)', async () => {
    sent.length = 0;
    const response = await post(stack.deps, puncture({ lat: 57.48, lon: -4.22 })); // Inverness: nobody on shift in reach

    expect(response.body).toMatchObject({ status: 'pending', slaAtRisk: true, estimate: null });
    expect(response.body.message).toBe(
      'We cannot give you an arrival time yet: no free technician can reach you within our 90-minute promise. Our operations team has been alerted and is finding you help. We will text you as soon as a technician is assigned.',
    );
    expect(sent).toEqual([
      expect.objectContaining({
        channel: 'operations',
        purpose: 'sla-at-risk',
        text: expect.stringContaining(String(response.body.reference)),
      }),
    ]);
  });

  it('when nobody is in range at all, gives no time either, and says so', async () => {
    sent.length = 0;
    // A stage whose service radius is shorter than the SLA reach: nobody within it is "no technician in range".
    const deps = { ...stack.deps, dispatch: { ...stack.deps.dispatch, maxRadiusKm: 20 } };
    const response = await post(deps, puncture({ lat: 50.37, lon: -4.14 })); // Plymouth

    expect(response.body).toMatchObject({ status: 'pending', slaAtRisk: true, estimate: null });
    expect(response.body.message).toBe(
      'We cannot give you an arrival time yet: no technician is free in your area. Our operations team has been alerted and is finding you help. We will text you as soon as a technician is assigned.',
    );
    expect(sent.map((n) => n.purpose)).toEqual(['no-technician-in-range']);
  });
});

describe('an assigned intake answer', () => {
  it('is as it was: who, when, and no estimate or message', async () => {
    // Leeds, six vans in reach: supply is spare, so the nearest is assigned at once.
    for (let i = 0; i < 6; i++)
      await availableTechnician(stack, `leeds-${i}`, { lat: 53.81 + i * 0.01, lon: -1.55 }, now);
    const response = await post(stack.deps, puncture({ lat: 53.8, lon: -1.55 }), { 'Idempotency-Key': randomUUID() });

    expect(response.status).toBe(201);
    expect(Object.keys(response.body)).toEqual([
      'id',
      'reference',
      'status',
      'priority',
      'trackingToken',
      'slaDeadline',
      'createdAt',
      'technician',
      'eta',
      'etaMinutes',
      'slaAtRisk',
    ]);
    expect(response.body).toMatchObject({
      status: 'assigned',
      technician: { id: 'leeds-0', distanceKm: 1.1 },
      eta: arrivalAt(
        now,
        etaFor(haversineKm({ lat: 53.8, lon: -1.55 }, { lat: 53.81, lon: -1.55 }), false, stack.deps.dispatch.eta),
      ).toISOString(),
      slaAtRisk: false,
    });
  });
});
