import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHandler as makeCreate } from '#functions/intake/create.js';
import { makeHandler as makeQueue } from '#functions/operations/queue.js';
import { emergencyBody } from '../fixtures/emergencies.js';
import { bearer, testAuth } from '../support/auth.js';
import { apiEvent, invoke } from '../support/events.js';
import { testStack, type TestStack } from '../support/stack.js';
import { seedTechnicianProfiles } from '../support/technicians.js';

let now = new Date('2026-01-14T14:00:00Z');
let stack: TestStack;
let opsToken: string;
let technicianToken: string;

beforeAll(async () => {
  const auth = await testAuth();
  // The scenario lets the clock run minutes past the technicians' only fixes: keep them fresh as before.
  stack = await testStack({
    env: { ...auth.env, LOCATION_FRESH_MINUTES: '10' },
    overrides: { clock: { now: () => now } },
  });
  opsToken = await auth.signer.mint('ops-1', ['operations']);
  technicianToken = await auth.signer.mint('q-leeds', ['technicians']);
  await seedTechnicianProfiles(stack, ['q-leeds', 'q-york', 'test-q-york']);
});
afterAll(() => stack.close());

const create = (lat: number, lon: number, headers: Record<string, string> = {}) =>
  invoke(
    makeCreate(stack.deps),
    apiEvent({
      method: 'POST',
      path: '/emergencies',
      headers,
      body: emergencyBody({ location: { lat, lon }, safety: { onMotorway: false } }),
    }),
  );
const queue = (headers: Record<string, string> = {}) =>
  invoke(makeQueue(stack.deps), apiEvent({ method: 'GET', path: '/ops/queue', headers }));

describe('GET /ops/queue', () => {
  it('counts open requests by status, ages the oldest pending, lists those at risk and the technicians free to take work', async () => {
    const stranded = await create(58.97, -2.96); // Orkney: nobody in range, so pending and at risk
    now = new Date(now.getTime() + 12 * 60_000);
    for (const [id, lat, lon] of [
      ['q-leeds', 53.8, -1.55],
      ['q-york', 53.96, -1.08],
      ['test-q-york', 53.96, -1.08],
    ] as const) {
      await stack.deps.technicians.recordLocation(id, { location: { lat, lon }, recordedAt: now });
      await stack.deps.technicians.setAvailability(id, 'available');
    }
    const assigned = await create(53.8, -1.56);
    expect(assigned.body).toMatchObject({ status: 'assigned', technician: { id: 'q-leeds' } });
    // A synthetic monitoring request goes to the test fleet and never shows in operations' figures.
    expect((await create(53.97, -1.09, { 'X-Synthetic-Test': 'true' })).body).toMatchObject({
      status: 'assigned',
      technician: { id: 'test-q-york' },
    });

    now = new Date(now.getTime() + 3 * 60_000);
    const response = await queue(bearer(opsToken));
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toMatch(/no-store/);
    expect(response.body).toEqual({
      generatedAt: '2026-01-14T14:15:00.000Z',
      counts: { pending: 1, assigned: 1, en_route: 0, on_site: 0 },
      // A blow-out (3 danger points) off the motorway in daylight: priority 2, within HIGH_PRIORITY_AT_MOST.
      highPriorityPending: 1,
      oldestPendingMinutes: 15,
      slaAtRisk: [
        {
          id: stranded.body.id,
          reference: stranded.body.reference,
          status: 'pending',
          priority: expect.any(Number),
          createdAt: '2026-01-14T14:00:00.000Z',
          slaDeadline: '2026-01-14T15:30:00.000Z',
          minutesToDeadline: 75,
        },
      ],
      // The real technician the synthetic request did not take; the test technician is never listed.
      availableTechnicians: {
        count: 1,
        technicians: [{ id: 'q-york', location: { lat: 53.96, lon: -1.08 }, lastSeenMinutes: 3 }],
      },
    });
  });

  it('never lists a test technician, even one free again', async () => {
    const { rows } = await stack.sql.query(`SELECT id FROM emergency_requests WHERE technician_id = 'test-q-york'`);
    expect(await stack.deps.technicians.release('test-q-york', rows[0].id as string)).toBe(true);
    const response = await queue(bearer(opsToken));
    expect(response.body.availableTechnicians).toEqual({
      count: 1,
      technicians: [{ id: 'q-york', location: { lat: 53.96, lon: -1.08 }, lastSeenMinutes: 3 }],
    });
  });

  it('needs the operations role: 401 without a token, 403 for a technician', async () => {
    const anonymous = await queue();
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['content-type']).toBe('application/problem+json');
    const technician = await queue(bearer(technicianToken));
    expect(technician.status).toBe(403);
    expect(technician.body).toMatchObject({ detail: 'This needs the operations role.' });
  });
});
