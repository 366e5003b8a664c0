// The assignment SMS links the tracking page, /t/{reference}#<token>, whoever assigns the job (intake's inline dispatch
// or redispatch, which never saw the token); the link's token opens the request, and only its hash is stored.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeHandler as makeCreate } from '#functions/intake/create.js';
import { makeHandler as makeGet } from '#functions/tracking/get.js';
import { makeHandler as makeRedispatch } from '#functions/dispatch/redispatch-pending.js';
import { SnsNotifier } from '#shared/adapters/sns/notifier.js';
import { hashTrackingToken } from '#shared/domain/tracking.js';
import { emergencyBody } from '../fixtures/emergencies.js';
import { apiEvent, invoke, lambdaContext } from '../support/events.js';
import { testStack, type TestStack } from '../support/stack.js';
import { seedTechnicianProfiles } from '../support/technicians.js';

const topic = 'arn:aws:sns:eu-west-2:123456789012:tyrehero-dispatch-test-ops-alerts';
const sns = mockClient(SNSClient);
const publicBaseUrl = 'https://dispatch.example.test/prod';
let now = new Date('2026-01-14T14:00:00Z');
let stack: TestStack;

beforeAll(async () => {
  stack = await testStack({
    env: { PUBLIC_BASE_URL: publicBaseUrl },
    overrides: { clock: { now: () => now }, notifier: new SnsNotifier(new SNSClient({ region: 'eu-west-2' }), topic) },
  });
  await seedTechnicianProfiles(stack, ['tl-a', 'tl-b', 'tl-c']);
});
beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
});
afterAll(() => stack.close());

async function onShift(id: string, lat: number, lon: number) {
  await stack.deps.technicians.recordLocation(id, { location: { lat, lon }, recordedAt: now });
  await stack.deps.technicians.setAvailability(id, 'available');
}

async function request(lat: number, lon: number) {
  const body = emergencyBody({ location: { lat, lon }, safety: { onMotorway: false } });
  const response = await invoke(makeCreate(stack.deps), apiEvent({ method: 'POST', path: '/emergencies', body }));
  expect(response.status).toBe(201);
  return {
    ...(response.body as { id: string; reference: string; status: string; trackingToken: string }),
    phone: `+44${body.customer.phone.replace(/\s/g, '').slice(1)}`,
  };
}

/** The customer's SMS, and the reference and token of the tracking link in it. */
function customerSms(phone: string) {
  const sms = sns
    .commandCalls(PublishCommand)
    .map((c) => c.args[0].input)
    .find((input) => input.PhoneNumber === phone);
  expect(sms, `an SMS to ${phone}`).toBeDefined();
  const text = sms!.Message!;
  const link = new RegExp(
    `${publicBaseUrl.replace(/[./]/g, '\\$&')}/t/(TH-[2-9A-Z]{6})#([A-Za-z0-9_-]{32})(?:\\s|$)`,
  ).exec(text);
  return { text, reference: link?.[1], token: link?.[2] };
}

const follow = (idOrReference: string, token: string) =>
  invoke(
    makeGet(stack.deps),
    apiEvent({
      method: 'GET',
      path: `/emergencies/${idOrReference}`,
      resource: '/emergencies/{id}',
      pathParameters: { id: idOrReference },
      headers: { 'X-Tracking-Token': token },
    }),
  );

describe('the tracking link in the assignment SMS', () => {
  it('at intake: links /t/{reference} with the token intake answered, and that token opens the request by its reference', async () => {
    await onShift('tl-a', 51.5, -0.12);
    const created = await request(51.51, -0.13);
    expect(created.status).toBe('assigned');
    const sms = customerSms(created.phone);
    expect(sms.text).toMatch(/is coming to you in a .*Follow the van: https:\/\//);
    expect(sms).toMatchObject({ reference: created.reference, token: created.trackingToken });

    const followed = await follow(sms.reference!, sms.token!);
    expect(followed.status).toBe(200);
    expect(followed.body).toMatchObject({
      id: created.id,
      reference: created.reference,
      status: 'assigned',
      technician: { firstName: expect.any(String), van: expect.any(String) },
    });
    // Only the token's hash is stored.
    const { rows } = await stack.sql.query<{ tracking_token_hash: string }>(
      'SELECT tracking_token_hash FROM emergency_requests WHERE id = $1',
      [created.id],
    );
    expect(rows[0]!.tracking_token_hash).toBe(hashTrackingToken(sms.token!));
    expect(JSON.stringify(rows)).not.toContain(sms.token);
  });

  it('from redispatch, which never saw the token: the same token, derived again from the request id', async () => {
    const waiting = await request(52.63, 1.3); // Norwich, nobody on shift
    expect(waiting.status).toBe('pending');
    await onShift('tl-b', 52.62, 1.29);
    now = new Date(now.getTime() + 60_000);
    sns.resetHistory();
    expect(await makeRedispatch(stack.deps)({}, lambdaContext())).toMatchObject({ assigned: 1 });

    const sms = customerSms(waiting.phone);
    expect(sms).toMatchObject({ reference: waiting.reference, token: waiting.trackingToken });
    expect((await follow(sms.reference!, sms.token!)).body).toMatchObject({ id: waiting.id, status: 'assigned' });
  });

  it('leaves the link out, rather than send one that cannot open, for a request whose token was not derived (made before links)', async () => {
    const old = await request(55.95, -3.19); // Edinburgh, nobody on shift
    await stack.sql.query('UPDATE emergency_requests SET tracking_token_hash = $2 WHERE id = $1', [
      old.id,
      hashTrackingToken('a-random-token-from-before-links'),
    ]);
    await onShift('tl-c', 55.94, -3.2);
    now = new Date(now.getTime() + 60_000);
    sns.resetHistory();
    expect(await makeRedispatch(stack.deps)({}, lambdaContext())).toMatchObject({ assigned: 1 });
    const sms = customerSms(old.phone);
    expect(sms.text).toMatch(/is coming to you/);
    expect(sms.text).not.toContain('/t/');
  });

  it('answers a reference with the wrong token exactly as an unknown one', async () => {
    const created = await request(51.45, -2.59);
    const wrong = await follow(created.reference, 'x'.repeat(32));
    const unknown = await follow('TH-ZZZZZZ', created.trackingToken);
    expect(wrong.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(wrong.body.detail).toBe(unknown.body.detail);
  });
});
