import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHandler } from '#functions/intake/create.js';
import type { Clock } from '#shared/ports/clock.js';
import { emergencyBody, dramaPhone } from '../fixtures/emergencies.js';
import { apiEvent, invoke } from '../support/events.js';
import { testStack, type TestStack } from '../support/stack.js';

// 14:00 UK time on a winter weekday: not night, so priorities below carry no night bonus.
const fixedNow = new Date('2026-01-14T14:00:00Z');
const clock: Clock = { now: () => fixedNow };

let stack: TestStack;
let handler: ReturnType<typeof makeHandler>;

beforeAll(async () => {
  stack = await testStack({ overrides: { clock } });
  handler = makeHandler(stack.deps);
});
afterAll(() => stack.close());

const post = (body: unknown, headers: Record<string, string> = {}) =>
  invoke(handler, apiEvent({ method: 'POST', path: '/emergencies', body, headers }));

const countRequests = async () =>
  (await stack.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM emergency_requests')).rows[0]!.n;

describe('POST /emergencies', () => {
  it('stores a motorway blow-out and answers 201 with reference, token and SLA deadline', async () => {
    const response = await post(emergencyBody({ customer: { name: 'Siân Jones', phone: '07700 900001' } }));

    expect(response.status).toBe(201);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.body).toMatchObject({
      status: 'pending',
      priority: 1,
      slaDeadline: '2026-01-14T15:30:00.000Z',
      createdAt: fixedNow.toISOString(),
    });
    expect(response.body.reference).toMatch(/^TH-[2-9A-HJKMNP-TV-Z]{6}$/);
    expect(response.body.trackingToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(response.headers.location).toBe(`/emergencies/${String(response.body.id)}`);

    const { rows } = await stack.sql.query('SELECT * FROM emergency_requests WHERE id = $1', [response.body.id]);
    // The number is sealed at rest (docs/data-protection.md, "Data protection"): no plain column, only the seal and the look-up hash.
    expect(rows[0]).toMatchObject({
      phone: null,
      phone_hash: await stack.deps.phones.lookupHash('+447700900001'),
      customer_name: 'Siân Jones',
      vehicle_registration: 'AB12CDE',
      issue: 'blowout',
      on_motorway: true,
      status: 'pending',
      is_test: false,
    });
    expect(rows[0].geohash).toMatch(/^gcp/);
    expect(rows[0].tracking_token_hash).not.toContain(response.body.trackingToken);
  });

  it('serves partner integrations on POST /partner/emergencies the same way (the gateway checks their API key)', async () => {
    const response = await invoke(
      handler,
      apiEvent({
        method: 'POST',
        path: '/partner/emergencies',
        body: emergencyBody({ customer: { name: 'Fleet Driver', phone: '07700 900002' } }),
      }),
    );
    expect(response.status).toBe(201);
    expect(response.body.trackingToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(response.headers.location).toBe(`/emergencies/${String(response.body.id)}`);
    const { rows } = await stack.sql.query('SELECT customer_name FROM emergency_requests WHERE id = $1', [
      response.body.id,
    ]);
    expect(rows).toEqual([{ customer_name: 'Fleet Driver' }]);
  });

  it('writes an INSERT audit row with the new row as JSON', async () => {
    const response = await post(emergencyBody());
    const audit = await stack.sql.query(
      `SELECT operation, old_row, new_row FROM emergency_requests_audit WHERE request_id = $1 AND operation = 'INSERT'`,
      [response.body.id],
    );
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]).toMatchObject({ operation: 'INSERT', old_row: null });
    expect(audit.rows[0].new_row).toMatchObject({
      id: response.body.id,
      status: 'pending',
      reference: response.body.reference,
    });
  });

  it('geocodes a postcode through the offline outward-code table', async () => {
    const response = await post(emergencyBody({ location: { postcode: 'sw1a 1aa' } }));
    expect(response.status).toBe(201);
    const { rows } = await stack.sql.query(
      'SELECT latitude, longitude, postcode FROM emergency_requests WHERE id = $1',
      [response.body.id],
    );
    expect(rows[0].postcode).toBe('SW1A 1AA');
    expect(rows[0].latitude).toBeCloseTo(51.5, 1);
    expect(rows[0].longitude).toBeCloseTo(-0.14, 1);
  });

  it('keeps names with accents and emoji exactly as sent', async () => {
    const name = 'Zoë Ó Súilleabháin 🚗';
    const response = await post(emergencyBody({ customer: { name, phone: dramaPhone() } }));
    expect(response.status).toBe(201);
    const { rows } = await stack.sql.query('SELECT customer_name FROM emergency_requests WHERE id = $1', [
      response.body.id,
    ]);
    expect(rows[0].customer_name).toBe(name);
  });

  it('marks a request as a test only for a synthetic-test call from a drama-range number', async () => {
    const synthetic = await post(emergencyBody(), { 'X-Synthetic-Test': 'true' });
    const real = await post(emergencyBody({ customer: { name: 'A Driver', phone: '+447911123456' } }), {
      'X-Synthetic-Test': 'true',
    });
    const flags = await stack.sql.query('SELECT id, is_test FROM emergency_requests WHERE id = ANY($1)', [
      [synthetic.body.id, real.body.id],
    ]);
    const byId = Object.fromEntries(flags.rows.map((r) => [r.id, r.is_test]));
    expect(byId[synthetic.body.id as string]).toBe(true);
    expect(byId[real.body.id as string]).toBe(false);
  });

  it('replays the identical response for a repeated Idempotency-Key and stores one row', async () => {
    const body = emergencyBody();
    const key = crypto.randomUUID();
    const first = await post(body, { 'Idempotency-Key': key });
    const before = await countRequests();
    const second = await post(body, { 'idempotency-key': key });

    expect(first.status).toBe(201);
    expect(second.raw).toEqual(first.raw);
    expect(await countRequests()).toBe(before);
  });

  it('refuses an Idempotency-Key reused with a different body with 422', async () => {
    const key = crypto.randomUUID();
    await post(emergencyBody(), { 'Idempotency-Key': key });
    const reused = await post(emergencyBody({ issue: 'valve' }), { 'Idempotency-Key': key });
    expect(reused.status).toBe(422);
    expect(reused.headers['content-type']).toBe('application/problem+json');
    expect(reused.body.detail).toMatch(/new key/);
  });

  it('answers 409 with the existing reference when the same phone calls again within 5 minutes', async () => {
    const phone = dramaPhone();
    const first = await post(emergencyBody({ customer: { name: 'First', phone } }));
    const again = await post(emergencyBody({ customer: { name: 'Second', phone }, issue: 'flat' }));

    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ existingReference: first.body.reference, existingStatus: 'pending' });
    expect(again.body.detail).toContain(first.body.reference as string);
  });

  it('accepts exactly one of several simultaneous calls from the same phone', async () => {
    const phone = dramaPhone();
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => post(emergencyBody({ customer: { name: 'Racer', phone } }))),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    const stored = await stack.sql.query('SELECT count(*)::int AS n FROM emergency_requests WHERE phone_hash = $1', [
      await stack.deps.phones.lookupHash(`+44${phone.replace(/\s/g, '').slice(1)}`),
    ]);
    expect(stored.rows[0].n).toBe(1);
  });
});
