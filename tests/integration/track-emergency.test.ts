import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHandler as makeCreate } from '#functions/intake/create.js';
import { makeHandler as makeGet } from '#functions/tracking/get.js';
import { makeHandler as makeCancel } from '#functions/tracking/cancel.js';
import { emergencyBody } from '../fixtures/emergencies.js';
import { apiEvent, invoke } from '../support/events.js';
import { testStack, type TestStack } from '../support/stack.js';

let stack: TestStack;
let create: ReturnType<typeof makeCreate>;
let get: ReturnType<typeof makeGet>;
let cancel: ReturnType<typeof makeCancel>;

beforeAll(async () => {
  stack = await testStack();
  create = makeCreate(stack.deps);
  get = makeGet(stack.deps);
  cancel = makeCancel(stack.deps);
});
afterAll(() => stack.close());

async function newEmergency() {
  const created = await invoke(create, apiEvent({ method: 'POST', path: '/emergencies', body: emergencyBody() }));
  expect(created.status).toBe(201);
  return {
    id: created.body.id as string,
    token: created.body.trackingToken as string,
    reference: created.body.reference as string,
  };
}

const read = (id: string, token?: string) =>
  invoke(
    get,
    apiEvent({
      method: 'GET',
      path: `/emergencies/${id}`,
      resource: '/emergencies/{id}',
      pathParameters: { id },
      headers: token ? { 'X-Tracking-Token': token } : {},
    }),
  );
const callOff = (id: string, token?: string) =>
  invoke(
    cancel,
    apiEvent({
      method: 'POST',
      path: `/emergencies/${id}/cancel`,
      resource: '/emergencies/{id}/cancel',
      pathParameters: { id },
      headers: token ? { 'X-Tracking-Token': token } : {},
    }),
  );

describe('GET /emergencies/{id}', () => {
  it('shows the request to the holder of its tracking token', async () => {
    const { id, token, reference } = await newEmergency();
    const response = await read(id, token);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id,
      reference,
      status: 'pending',
      issue: 'blowout',
      timeline: { createdAt: expect.any(String) },
    });
    expect(JSON.stringify(response.body)).not.toMatch(/tracking_token|trackingTokenHash|phone/);
  });

  it('answers a wrong token, a missing token and an unknown id with the same 404', async () => {
    const { id } = await newEmergency();
    const other = await newEmergency();
    const wrong = await read(id, other.token);
    const missing = await read(id);
    const unknown = await read(crypto.randomUUID(), other.token);
    for (const response of [wrong, missing, unknown]) {
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toBe('application/problem+json');
    }
    expect(wrong.body.detail).toBe(unknown.body.detail);
    expect(missing.body.detail).toBe(unknown.body.detail);
  });

  it('refuses an id that is not a UUID with 422 before touching the database', async () => {
    const response = await read("1' OR '1'='1", 'x');
    expect(response.status).toBe(422);
    expect(response.body.detail).toMatch(/UUID/);
  });
});

describe('POST /emergencies/{id}/cancel', () => {
  it('cancels a pending request, stamps the time and audits the change', async () => {
    const { id, token } = await newEmergency();
    const response = await callOff(id, token);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'cancelled', timeline: { cancelledAt: expect.any(String) } });

    const audit = await stack.sql.query(
      `SELECT operation, old_row->>'status' AS was, new_row->>'status' AS now FROM emergency_requests_audit
        WHERE request_id = $1 AND (old_row IS NULL OR old_row->>'status' IS DISTINCT FROM new_row->>'status') ORDER BY audit_id`,
      [id],
    );
    expect(audit.rows).toEqual([
      { operation: 'INSERT', was: null, now: 'pending' },
      { operation: 'UPDATE', was: 'pending', now: 'cancelled' },
    ]);
  });

  it('answers 409 naming the current status when the request can no longer be cancelled', async () => {
    const { id, token } = await newEmergency();
    await stack.sql.query(`UPDATE emergency_requests SET status = 'on_site' WHERE id = $1`, [id]);
    const response = await callOff(id, token);
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ currentStatus: 'on_site' });
    expect(response.body.detail).toMatch(/on site/);
  });

  it('answers a repeated cancel as the first, without a second stamp or audit row', async () => {
    const { id, token } = await newEmergency();
    const first = await callOff(id, token);
    expect(first.status).toBe(200);
    const audits = async () =>
      (await stack.sql.query('SELECT count(*)::int AS n FROM emergency_requests_audit WHERE request_id = $1', [id]))
        .rows[0].n as number;
    const before = await audits();
    const again = await callOff(id, token);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('cancelled');
    expect(again.body.cancelledAt ?? null).toEqual(first.body.cancelledAt ?? null);
    expect(await audits()).toBe(before);
  });

  it('refuses a wrong tracking token with 404 and leaves the request as it was', async () => {
    const { id } = await newEmergency();
    const response = await callOff(id, 'not-the-token');
    expect(response.status).toBe(404);
    const { rows } = await stack.sql.query('SELECT status FROM emergency_requests WHERE id = $1', [id]);
    expect(rows[0].status).toBe('pending');
  });

  it('lets the same phone ask again once its earlier request is cancelled', async () => {
    const body = emergencyBody();
    const first = await invoke(create, apiEvent({ method: 'POST', path: '/emergencies', body }));
    await callOff(first.body.id as string, first.body.trackingToken as string);
    const second = await invoke(create, apiEvent({ method: 'POST', path: '/emergencies', body }));
    expect(second.status).toBe(201);
  });
});
