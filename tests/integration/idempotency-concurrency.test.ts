// Simultaneous retries with one Idempotency-Key and body, on the real DynamoDB Local and PostgreSQL: each gets the
// original answer or the documented "in progress, retry" 409, never the duplicate-phone 409 meant for a second request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHandler } from '#functions/intake/create.js';
import { dramaPhone, emergencyBody } from '../fixtures/emergencies.js';
import { apiEvent, invoke, lambdaContext, type Response } from '../support/events.js';
import { testStack, type TestStack } from '../support/stack.js';
import { stalledSearches } from '../support/technicians.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await testStack();
});
afterAll(() => stack.close());

const inProgressType = 'https://tyrehero.example/problems/idempotency-in-progress';
// A minute of Lambda time: these tests are about ordering, not about the 10 s budget on a loaded machine.
const post = (handler: ReturnType<typeof makeHandler>, body: unknown, key: string) =>
  invoke(
    handler,
    apiEvent({ method: 'POST', path: '/emergencies', body, headers: { 'Idempotency-Key': key } }),
    lambdaContext('createEmergency', 60_000),
  );
const rowsFor = async (phone: string) =>
  (
    await stack.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM emergency_requests WHERE phone_hash = $1', [
      await stack.deps.phones.lookupHash(phone),
    ])
  ).rows[0]!.n;
const e164 = (national: string) => `+44${national.replace(/\s/g, '').slice(1)}`;
const summary = (responses: Response[]) =>
  JSON.stringify(responses.map((r) => [r.status, r.body.type ?? r.body.reference]));

describe('POST /emergencies with one Idempotency-Key', () => {
  it('10 at once: one 201, every other answer the same 201 or "in progress", one row', async () => {
    const handler = makeHandler(stack.deps);
    const phone = dramaPhone();
    const body = emergencyBody({ customer: { name: 'Burst Caller', phone } });
    const key = crypto.randomUUID();

    const responses = await Promise.all(Array.from({ length: 10 }, () => post(handler, body, key)));

    const created = responses.filter((r) => r.status === 201);
    const inProgress = responses.filter((r) => r.status === 409 && r.body.type === inProgressType);
    expect(
      responses.filter((r) => r.body.existingReference !== undefined),
      summary(responses),
    ).toEqual([]);
    expect(created.length, summary(responses)).toBeGreaterThanOrEqual(1);
    expect(created.length + inProgress.length, summary(responses)).toBe(10);
    expect(new Set(created.map((r) => r.raw.body)).size).toBe(1);
    expect(await rowsFor(e164(phone))).toBe(1);

    const retry = await post(handler, body, key);
    expect(retry.raw.body).toBe(created[0]!.raw.body);
    expect(await rowsFor(e164(phone))).toBe(1);
  });

  it('a retry after refused retries is still told "in progress" while the first request runs, never "duplicate"', async () => {
    // The first request's search waits at the gate: it is stored and running, and has not answered.
    const gated = stalledSearches(stack.deps.technicians, 'first');
    // The first attempt is stored, then held in its search with all the time it likes: only the gate ends it.
    const handler = makeHandler({
      ...stack.deps,
      technicians: gated.technicians,
      intake: { ...stack.deps.intake, dispatchBudgetMs: 120_000 },
    });
    const phone = dramaPhone();
    const body = emergencyBody({ customer: { name: 'Held Caller', phone } });
    const key = crypto.randomUUID();

    const first = post(handler, body, key);
    await gated.reached;
    // Nine retries while the first is held: each refused as in progress (with Powertools' records, refused retries
    // used to delete the in-progress record as they failed, and the next retry met the duplicate-phone check).
    const refused = await Promise.all(Array.from({ length: 9 }, () => post(handler, body, key)));
    expect(refused.map((r) => [r.status, r.body.type])).toEqual(Array.from({ length: 9 }, () => [409, inProgressType]));
    expect(refused[0]!.headers).not.toHaveProperty('retry-after');

    const later = await post(handler, body, key);
    expect([later.status, later.body.type]).toEqual([409, inProgressType]);

    gated.release();
    const original = await first;
    expect(original.status).toBe(201);
    const retry = await post(handler, body, key);
    expect(retry.raw.body).toBe(original.raw.body);
    expect(await rowsFor(e164(phone))).toBe(1);
  });
});
