import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHandler } from '#functions/intake/create.js';
import { emergencyBody, dramaPhone } from '../fixtures/emergencies.js';
import { apiEvent, invoke } from '../support/events.js';
import { testStack, type TestStack } from '../support/stack.js';

let stack: TestStack;
let handler: ReturnType<typeof makeHandler>;

beforeAll(async () => {
  stack = await testStack();
  handler = makeHandler(stack.deps);
});
afterAll(() => stack.close());

const countRequests = async () =>
  (await stack.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM emergency_requests')).rows[0]!.n;
const injection = "Robert'); DROP TABLE emergency_requests;--";

interface Case {
  name: string;
  body: unknown;
  headers?: Record<string, string>;
  status: number;
  /** A field the problem must name, or a phrase its detail must contain. */
  mentions: string;
}

const withCustomer = (customer: Record<string, unknown>) =>
  emergencyBody({ customer: { name: 'A Driver', phone: dramaPhone(), ...customer } });

const cases: Case[] = [
  { name: 'malformed JSON', body: '{"customer": {"name": "x",', status: 400, mentions: 'not valid JSON' },
  { name: 'a JSON array instead of an object', body: '[1,2,3]', status: 422, mentions: 'JSON object' },
  { name: 'an empty body', body: '', status: 400, mentions: 'needs a JSON body' },
  {
    name: 'a form-encoded body',
    body: 'name=x',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    status: 415,
    mentions: 'application/json',
  },
  {
    name: 'a +json media type the contract does not declare',
    body: emergencyBody(),
    headers: { 'Content-Type': 'application/vnd.x+json' },
    status: 415,
    mentions: 'application/json',
  },
  {
    name: 'an Idempotency-Key over 255 characters',
    body: emergencyBody(),
    headers: { 'Idempotency-Key': 'k'.repeat(300) },
    status: 422,
    mentions: 'Idempotency-Key must be 1 to 255 characters',
  },
  {
    name: 'an empty Idempotency-Key',
    body: emergencyBody(),
    headers: { 'Idempotency-Key': '' },
    status: 422,
    mentions: 'Idempotency-Key',
  },
  {
    name: 'a body over the size limit',
    body: emergencyBody({ notes: 'x'.repeat(20_000) }),
    status: 413,
    mentions: 'larger than',
  },
  { name: 'missing customer', body: emergencyBody({ customer: undefined }), status: 422, mentions: 'customer' },
  { name: 'missing issue', body: emergencyBody({ issue: undefined }), status: 422, mentions: 'issue' },
  {
    name: 'lat as a string',
    body: emergencyBody({ location: { lat: '51.5', lon: -0.1 } }),
    status: 422,
    mentions: 'location.lat',
  },
  { name: 'lat without lon', body: emergencyBody({ location: { lat: 51.5 } }), status: 422, mentions: 'location.lon' },
  {
    name: 'no position and no postcode',
    body: emergencyBody({ location: {} }),
    status: 422,
    mentions: 'either lat and lon, or a postcode',
  },
  {
    name: 'onMotorway as a string',
    body: emergencyBody({ safety: { onMotorway: 'yes' } }),
    status: 422,
    mentions: 'safety.onMotorway',
  },
  {
    name: 'an unknown issue',
    body: emergencyBody({ issue: 'engine_fire' }),
    status: 422,
    mentions: 'issue must be one of',
  },
  {
    name: 'a name over 100 characters',
    body: withCustomer({ name: 'x'.repeat(101) }),
    status: 422,
    mentions: 'customer.name',
  },
  { name: 'a blank name', body: withCustomer({ name: '   ' }), status: 422, mentions: 'customer.name' },
  {
    name: 'a NUL byte in the name',
    body: withCustomer({ name: 'Bob\u0000' }),
    status: 422,
    mentions: 'control characters',
  },
  {
    name: 'notes over 1000 characters',
    body: emergencyBody({ notes: 'n'.repeat(1001) }),
    status: 422,
    mentions: 'notes',
  },
  {
    name: 'a latitude beyond 90',
    body: emergencyBody({ location: { lat: 123, lon: 0 } }),
    status: 422,
    mentions: 'between -90 and 90',
  },
  {
    name: 'a location in Paris',
    body: emergencyBody({ location: { lat: 48.8566, lon: 2.3522 } }),
    status: 422,
    mentions: 'outside the UK and Ireland',
  },
  {
    name: 'a location in Boulogne, across the Channel',
    body: emergencyBody({ location: { lat: 50.7264, lon: 1.6147 } }),
    status: 422,
    mentions: 'outside the UK and Ireland',
  },
  {
    name: 'lat and lon swapped',
    body: emergencyBody({ location: { lat: -0.1276, lon: 51.5072 } }),
    status: 422,
    mentions: 'outside the UK and Ireland',
  },
  {
    name: 'an invalid postcode',
    body: emergencyBody({ location: { postcode: 'XX99 9XXX' } }),
    status: 422,
    mentions: 'not a valid UK postcode',
  },
  {
    name: 'a valid but unknown postcode area',
    body: emergencyBody({ location: { postcode: 'JE2 3AB' } }),
    status: 422,
    mentions: 'location',
  },
  { name: 'an invalid phone', body: withCustomer({ phone: '12345' }), status: 422, mentions: 'customer.phone' },
  {
    name: 'SQL injection in the phone',
    body: withCustomer({ phone: "07700' OR '1'='1" }),
    status: 422,
    mentions: 'customer.phone',
  },
  {
    name: 'SQL injection in the postcode',
    body: emergencyBody({ location: { postcode: "SW1A'; DELETE FROM technicians;--" } }),
    status: 422,
    mentions: 'location.postcode',
  },
  {
    name: 'SQL injection in the issue enum',
    body: emergencyBody({ issue: "flat' OR 1=1--" }),
    status: 422,
    mentions: 'issue',
  },
];

describe('POST /emergencies refuses bad input with a clear 4xx and stores nothing', () => {
  it.each(cases)('$name → $status', async ({ body, headers, status, mentions }) => {
    const before = await countRequests();
    const response = await invoke(handler, apiEvent({ method: 'POST', path: '/emergencies', body, headers }));

    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.body).toMatchObject({
      status,
      title: expect.any(String),
      type: expect.stringMatching(/^https:\/\//),
    });
    const text = JSON.stringify(response.body);
    expect(text).toContain(mentions);
    expect(text).not.toMatch(/at .*\.ts:\d+|SELECT|INSERT|stack/i);
    expect(await countRequests()).toBe(before);
  });

  it('stores an injection string in a free-text field verbatim, as data', async () => {
    const response = await invoke(
      handler,
      apiEvent({ method: 'POST', path: '/emergencies', body: withCustomer({ name: injection }) }),
    );
    expect(response.status).toBe(201);
    const { rows } = await stack.sql.query('SELECT customer_name FROM emergency_requests WHERE id = $1', [
      response.body.id,
    ]);
    expect(rows[0].customer_name).toBe(injection);
  });

  it('lists every invalid field at once, each with its own message', async () => {
    const response = await invoke(
      handler,
      apiEvent({
        method: 'POST',
        path: '/emergencies',
        body: { customer: { name: '', phone: 'x' }, location: { lat: 'a', lon: 1 }, vehicle: {}, issue: 'nope' },
      }),
    );
    expect(response.status).toBe(422);
    const fields = (response.body.errors as Array<{ field: string }>).map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining(['customer.name', 'customer.phone', 'location.lat', 'vehicle.makeModel', 'issue']),
    );
  });

  it('adds security headers to refusals as well as successes', async () => {
    const response = await invoke(handler, apiEvent({ method: 'POST', path: '/emergencies', body: '{' }));
    expect(response.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
      'strict-transport-security': expect.stringContaining('max-age='),
    });
  });
});
