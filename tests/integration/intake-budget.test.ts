// POST /emergencies answers within its dispatch budget, and a retry after a lost answer gets the original one back.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHandler } from '#functions/intake/create.js';
import { replayableId, trackingTokenMatches } from '#shared/domain/tracking.js';
import type { Clock } from '#shared/ports/clock.js';
import { emergencyBody } from '../fixtures/emergencies.js';
import { apiEvent, invoke, lambdaContext } from '../support/events.js';
import { testStack, type TestStack } from '../support/stack.js';
import { availableTechnician, seedTechnicianProfiles, stalledSearches } from '../support/technicians.js';

const fixedNow = new Date('2026-01-14T14:00:00Z');
const clock: Clock = { now: () => fixedNow };

let stack: TestStack;
beforeAll(async () => {
  stack = await testStack({ overrides: { clock }, env: { DISPATCH_BUDGET_MS: '50' } });
});
afterAll(() => stack.close());

const post = (
  handler: ReturnType<typeof makeHandler>,
  body: unknown,
  headers: Record<string, string> = {},
  remainingMs?: number,
) =>
  invoke(
    handler,
    apiEvent({ method: 'POST', path: '/emergencies', body, headers }),
    lambdaContext('createEmergency', remainingMs),
  );

const rowsForPhone = async (phone: string) =>
  (
    await stack.sql.query<{ id: string; reference: string; status: string; tracking_token_hash: string }>(
      'SELECT id, reference, status, tracking_token_hash FROM emergency_requests WHERE phone_hash = $1',
      [await stack.deps.phones.lookupHash(phone)],
    )
  ).rows;

describe('POST /emergencies dispatch budget', () => {
  it('answers 201 pending with a token once the budget is spent, and the dispatch still running assigns it afterwards', async () => {
    const tech = `budget-${randomUUID()}`;
    await seedTechnicianProfiles(stack, [tech]);
    await stack.deps.technicians.recordLocation(tech, { location: { lat: 51.88, lon: -0.42 }, recordedAt: fixedNow });
    await stack.deps.technicians.setAvailability(tech, 'available');
    const stalled = stalledSearches(stack.deps.technicians);
    const handler = makeHandler({ ...stack.deps, technicians: stalled.technicians });

    const body = emergencyBody();
    const response = await post(handler, body);

    expect(response.status).toBe(201);
    // Dispatch had not finished: no basis for a time, and the answer says so rather than invent one.
    expect(response.body).toMatchObject({
      status: 'pending',
      slaAtRisk: false,
      estimate: null,
      message:
        'We cannot give you an arrival time yet: we are still finding you a technician. We will text you as soon as a technician is assigned.',
    });
    expect(response.body.trackingToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    stalled.release();
    const assignment = async () =>
      (await stack.sql.query('SELECT status, technician_id FROM emergency_requests WHERE id = $1', [response.body.id]))
        .rows[0];
    await expect.poll(assignment, { timeout: 20_000 }).toEqual({
      status: 'assigned',
      technician_id: tech,
    });
  });
});

describe('POST /emergencies with an Idempotency-Key, out of budget', () => {
  it('keeps the pending answer it gave: the assignment made afterwards keeps none, so a retry gets what was sent', async () => {
    const tech = `budget-${randomUUID()}`;
    await availableTechnician(stack, tech, { lat: 52.2, lon: 0.12 }, fixedNow);
    const stalled = stalledSearches(stack.deps.technicians);
    const assignedTo = async (id: string) =>
      (await stack.sql.query('SELECT technician_id FROM emergency_requests WHERE id = $1', [id])).rows[0]
        ?.technician_id;
    // The worst order: the late assignment is written before the handler keeps the pending answer it is sending.
    const requests = Object.assign(Object.create(stack.deps.requests) as typeof stack.deps.requests, {
      recordAnswer: async (id: string, answer: string) => {
        stalled.release();
        await expect.poll(() => assignedTo(id), { timeout: 20_000 }).toBe(tech);
        return stack.deps.requests.recordAnswer(id, answer);
      },
    });
    const handler = makeHandler({ ...stack.deps, requests, technicians: stalled.technicians });
    const key = randomUUID();
    const body = emergencyBody({ location: { lat: 52.21, lon: 0.13 } });

    const first = await post(handler, body, { 'Idempotency-Key': key });
    expect(first.body).toMatchObject({ status: 'pending', slaAtRisk: false });
    expect(await assignedTo(first.body.id as string)).toBe(tech);

    const retry = await post(makeHandler(stack.deps), body, { 'Idempotency-Key': key });
    expect(retry.raw).toEqual(first.raw);
  });
});

describe('POST /emergencies retried after a lost answer', () => {
  it('gives a retry the original id, reference and tracking token when the first attempt was killed after its commit', async () => {
    const stalled = stalledSearches(stack.deps.technicians);
    // The first attempt commits, then hangs in dispatch with no budget left to answer: its Lambda is killed at the
    // timeout, so no response is ever stored and Powertools' in-progress record expires with the invocation.
    const killed = makeHandler({
      ...stack.deps,
      technicians: stalled.technicians,
      intake: { ...stack.deps.intake, dispatchBudgetMs: 3_600_000 },
    });
    const key = randomUUID();
    const body = emergencyBody();
    const phone = `+44${body.customer.phone.replace(/\s/g, '').slice(1)}`;
    void post(killed, body, { 'Idempotency-Key': key }, 1).catch(() => undefined);
    await expect.poll(async () => (await rowsForPhone(phone)).length, { timeout: 20_000 }).toBe(1);

    const retry = await post(makeHandler(stack.deps), body, { 'Idempotency-Key': key });

    const [stored] = await rowsForPhone(phone);
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ id: stored!.id, reference: stored!.reference });
    expect(trackingTokenMatches(retry.body.trackingToken as string, stored!.tracking_token_hash)).toBe(true);
    expect(await rowsForPhone(phone)).toHaveLength(1);
    stalled.release();
  });

  it('still answers a retry without the key, or with another key, with 409 and no token', async () => {
    const body = emergencyBody();
    const first = await post(makeHandler(stack.deps), body, { 'Idempotency-Key': randomUUID() });
    const other = await post(makeHandler(stack.deps), body, { 'Idempotency-Key': randomUUID() });
    expect(first.status).toBe(201);
    expect(other.status).toBe(409);
    expect(other.body.trackingToken).toBeUndefined();
  });

  it('derives the id from a short key too: the token is a keyed hash of the id, so the id gives nothing away', async () => {
    const body = emergencyBody();
    const a = await post(makeHandler(stack.deps), body, { 'Idempotency-Key': 'k1' });
    const b = await post(makeHandler(stack.deps), emergencyBody(), { 'Idempotency-Key': 'k2' });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(a.body.id).toBe(replayableId('k1', `+44${body.customer.phone.replace(/\s/g, '').slice(1)}`));
    expect(a.body.trackingToken).not.toEqual(b.body.trackingToken);
  });
});
