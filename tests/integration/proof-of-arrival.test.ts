// Proof of arrival on the real engines: arrived only at the breakdown, complete only with the customer's code (or an
// audited operations override), ratings once after completion, and SLA figures that count verified arrivals only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHandler as makeCreate } from '#functions/intake/create.js';
import { makeHandler as makeGet } from '#functions/tracking/get.js';
import { makeHandler as makeRate } from '#functions/tracking/rate.js';
import { makeJobActionHandler } from '#functions/jobs/job-action.js';
import { makeHandler as makeOverride } from '#functions/operations/complete-job.js';
import { computeOperationalFigures } from '#functions/operations/operational-figures.js';
import { emergencyBody } from '../fixtures/emergencies.js';
import { bearer, testAuth } from '../support/auth.js';
import { apiEvent, invoke } from '../support/events.js';
import { testStack, type TestStack } from '../support/stack.js';
import { seedTechnicianProfiles } from '../support/technicians.js';

const tech = 'poa-tech';
const breakdown = { lat: 51.88, lon: -0.42 };
let now = new Date('2026-03-03T10:00:00Z');
let stack: TestStack;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  const auth = await testAuth();
  stack = await testStack({
    env: { ...auth.env, ARRIVAL_CODE_MAX_ATTEMPTS: '3', DISPATCH_MAX_RADIUS_KM: '20' },
    overrides: { clock: { now: () => now } },
  });
  await seedTechnicianProfiles(stack, [tech]);
  tokens.tech = await auth.signer.mint(tech, ['technicians']);
  tokens.ops = await auth.signer.mint('ops-duty', ['operations']);
}, 60_000);
afterAll(() => stack.close());

const tick = (seconds = 1) => (now = new Date(now.getTime() + seconds * 1000));
const vanAt = (lat: number, lon: number, recordedAt = now) =>
  stack.deps.technicians.recordLocation(tech, { location: { lat, lon }, recordedAt });
const row = async (id: string) =>
  (await stack.sql.query('SELECT * FROM emergency_requests WHERE id = $1', [id])).rows[0];
const step = (action: 'accept' | 'en-route' | 'arrived', id: string) =>
  invoke(
    makeJobActionHandler(action)(stack.deps),
    apiEvent({ method: 'POST', path: `/jobs/${id}/${action}`, pathParameters: { id }, headers: bearer(tokens.tech!) }),
  );
const complete = (id: string, body?: unknown) =>
  invoke(
    makeJobActionHandler('complete')(stack.deps),
    apiEvent({
      method: 'POST',
      path: `/jobs/${id}/complete`,
      pathParameters: { id },
      headers: bearer(tokens.tech!),
      body,
    }),
  );
const override = (id: string, reason: string) =>
  invoke(
    makeOverride(stack.deps),
    apiEvent({
      method: 'POST',
      path: `/ops/jobs/${id}/complete`,
      pathParameters: { id },
      headers: bearer(tokens.ops!),
      body: { reason },
    }),
  );
const follow = (id: string, token: string) =>
  invoke(
    makeGet(stack.deps),
    apiEvent({
      method: 'GET',
      path: `/emergencies/${id}`,
      pathParameters: { id },
      headers: { 'X-Tracking-Token': token },
    }),
  );

const rate = (id: string, token: string, body: unknown) =>
  invoke(
    makeRate(stack.deps),
    apiEvent({
      method: 'POST',
      path: `/emergencies/${id}/rating`,
      pathParameters: { id },
      headers: { 'X-Tracking-Token': token },
      body,
    }),
  );

let previous: string | undefined;

/** A request 5 km from the van, assigned to it and en route (the previous test's job, if still open, is called off). */
async function jobEnRoute() {
  if (previous) {
    await stack.deps.requests.transition(previous, 'cancel', now);
    await stack.deps.technicians.release(tech, previous);
  }
  tick(60);
  await vanAt(breakdown.lat + 0.045, breakdown.lon);
  await stack.deps.technicians.setAvailability(tech, 'available');
  const created = await invoke(
    makeCreate(stack.deps),
    apiEvent({ method: 'POST', path: '/emergencies', body: emergencyBody({ location: breakdown }) }),
  );
  expect(created.body, JSON.stringify(created.body)).toMatchObject({ status: 'assigned', technician: { id: tech } });
  const job = created.body as { id: string; trackingToken: string };
  previous = job.id;
  expect((await step('accept', job.id)).status).toBe(200);
  expect((await step('en-route', job.id)).status).toBe(200);
  return job;
}

describe('arriving', () => {
  it('refuses "arrived" 13 km away with 409, the distance and what to do, and changes nothing', async () => {
    const job = await jobEnRoute();
    tick();
    await vanAt(52.0, -0.42);
    const response = await step('arrived', job.id);
    expect(response.status).toBe(409);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.body).toMatchObject({ reason: 'too-far', distanceMeters: expect.any(Number), radiusMeters: 250 });
    expect(response.body.distanceMeters as number).toBeGreaterThan(13_000);
    expect(response.body.detail).toMatch(/You are 13\.\d km from the breakdown.*within 250 m/);
    expect(await row(job.id)).toMatchObject({ status: 'en_route', on_site_at: null, arrival_verified_at: null });
  });

  it('refuses "arrived" when the van has been silent for longer than the freshness cut-off', async () => {
    const job = await jobEnRoute();
    // The last fix was sent as the job started; 11 minutes of silence later it proves nothing.
    tick(11 * 60);
    const response = await step('arrived', job.id);
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ reason: 'no-fresh-position' });
    expect(response.body.detail).toMatch(/location sharing/);
    expect((await row(job.id)).status).toBe('en_route');
  });

  it('accepts "arrived" within 250 m and records the distance and the verified on-site time', async () => {
    const job = await jobEnRoute();
    tick();
    await vanAt(breakdown.lat + 0.0015, breakdown.lon);
    const response = await step('arrived', job.id);
    expect(response.status).toBe(200);
    const stored = await row(job.id);
    expect(stored).toMatchObject({ status: 'on_site', arrival_distance_m: 167 });
    expect(stored.arrival_verified_at).toEqual(stored.on_site_at);
  });
});

describe('completing', () => {
  async function jobOnSite() {
    const job = await jobEnRoute();
    tick();
    await vanAt(breakdown.lat, breakdown.lon);
    expect((await step('arrived', job.id)).status).toBe(200);
    return job;
  }

  it('shows the customer the arrival code, and the technician must enter it', async () => {
    const job = await jobOnSite();
    const seen = await follow(job.id, job.trackingToken);
    expect(seen.body).toMatchObject({ status: 'on_site', arrivalCode: expect.stringMatching(/^[0-9]{4}$/) });
    expect(seen.body.arrivalCode).toBe((await row(job.id)).arrival_code);

    expect((await complete(job.id)).status).toBe(400);
    const missing = await complete(job.id, {});
    expect(missing.status).toBe(422);
    expect(missing.body.detail).toMatch(/arrivalCode/);
    expect((await row(job.id)).status).toBe('on_site');

    const code = seen.body.arrivalCode as string;
    const done = await complete(job.id, { arrivalCode: code });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'completed', completedBy: 'code' });
    // A retry of the same step (a double tap) answers the same and writes nothing.
    expect((await complete(job.id, { arrivalCode: code })).body).toMatchObject({
      status: 'completed',
      completedBy: 'code',
    });
    expect(await row(job.id)).toMatchObject({
      status: 'completed',
      completed_by_method: 'code',
      arrival_code_failures: 0,
    });
    // Once done, the code is no longer shown.
    expect((await follow(job.id, job.trackingToken)).body).not.toHaveProperty('arrivalCode');
  });

  it('counts wrong codes, says how many tries are left, and locks after the limit until operations step in', async () => {
    const job = await jobOnSite();
    const code = (await row(job.id)).arrival_code as string;
    const wrong = String((Number(code) + 1) % 10000).padStart(4, '0');
    const first = await complete(job.id, { arrivalCode: wrong });
    expect(first.status).toBe(422);
    expect(first.body.detail).toMatch(/2 tries left/);
    await complete(job.id, { arrivalCode: wrong });
    expect((await complete(job.id, { arrivalCode: wrong })).body.detail).toMatch(/No tries left/);
    const locked = await complete(job.id, { arrivalCode: code });
    expect(locked.status).toBe(409);
    expect(locked.body).toMatchObject({ reason: 'code-locked' });
    expect(await row(job.id)).toMatchObject({ status: 'on_site', arrival_code_failures: 3 });

    const tooShort = await override(job.id, 'ok');
    expect(tooShort.status).toBe(422);
    const closed = await override(job.id, 'Customer left before the code could be read out');
    expect(closed.status).toBe(200);
    expect(await row(job.id)).toMatchObject({
      status: 'completed',
      completed_by_method: 'override',
      completion_override_by: 'ops-duty',
      arrival_verified_at: null,
    });
    const audit = await stack.sql.query(
      `SELECT new_row->>'completion_override_reason' AS reason, new_row->>'completion_override_by' AS by FROM emergency_requests_audit
        WHERE request_id = $1 AND new_row->>'status' = 'completed' AND old_row->>'status' = 'on_site'`,
      [job.id],
    );
    expect(audit.rows).toEqual([{ reason: 'Customer left before the code could be read out', by: 'ops-duty' }]);
    expect(await stack.deps.technicians.position(tech)).toMatchObject({ status: 'available' });
    expect((await stack.deps.technicians.position(tech))?.currentJob).toBeUndefined();
  });
});

describe('rating', () => {
  it('takes one rating 1–5 after completion, with an optional comment', async () => {
    const job = await jobEnRoute();
    expect((await rate(job.id, job.trackingToken, { rating: 5 })).status).toBe(409);
    tick();
    await vanAt(breakdown.lat, breakdown.lon);
    await step('arrived', job.id);
    await complete(job.id, { arrivalCode: (await row(job.id)).arrival_code });

    for (const bad of [
      { rating: 0 },
      { rating: 6 },
      { rating: 4.5 },
      { rating: '5' },
      { rating: 4, comment: 'x'.repeat(501) },
      { rating: 4, extra: true },
    ]) {
      const refused = await rate(job.id, job.trackingToken, bad);
      expect(refused.status, JSON.stringify(bad)).toBe(422);
    }
    expect((await rate(job.id, 'wrong-token', { rating: 5 })).status).toBe(404);
    const rated = await rate(job.id, job.trackingToken, { rating: 4, comment: '  Quick and kind, thank you  ' });
    expect(rated.status).toBe(201);
    expect(rated.body).toEqual({
      id: job.id,
      reference: expect.stringMatching(/^TH-/),
      rating: { score: 4, comment: 'Quick and kind, thank you' },
    });
    expect(await row(job.id)).toMatchObject({ rating: 4, rating_comment: 'Quick and kind, thank you', rated_at: now });
    expect((await rate(job.id, job.trackingToken, { rating: 1 })).status).toBe(409);
    expect((await row(job.id)).rating).toBe(4);
    expect((await follow(job.id, job.trackingToken)).body).toMatchObject({
      rating: { score: 4, comment: 'Quick and kind, thank you' },
    });
  });
});

describe('the figures', () => {
  it('count only verified arrivals in response time and SLA, show override completions apart, and average the ratings', async () => {
    const figures = await computeOperationalFigures(stack.deps);
    const verified = await stack.sql.query<{ n: number; avg: string }>(
      `SELECT count(*)::int AS n, round(avg(extract(epoch FROM arrival_verified_at - created_at) / 60), 1) AS avg FROM emergency_requests WHERE arrival_verified_at IS NOT NULL`,
    );
    // Every verified arrival above was within minutes of the call; the override completion is not among them.
    expect(verified.rows[0]!.n).toBeGreaterThan(0);
    expect(figures.averageResponseMinutes.today).toBe(Number(verified.rows[0]!.avg));
    expect(figures.slaCompliancePercent.today).toBe(100);
    expect(figures.unverifiedCompletions).toEqual({ lastHour: 1, today: 1 });
    expect(figures.customerSatisfaction).toEqual({ last24Hours: 4, ratings: 1, target: 4.5 });
  });
});
