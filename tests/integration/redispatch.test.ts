import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeHandler as makeCreate } from '#functions/intake/create.js';
import { makeHandler as makeRedispatch } from '#functions/dispatch/redispatch-pending.js';
import { SnsNotifier } from '#shared/adapters/sns/notifier.js';
import { emergencyBody } from '../fixtures/emergencies.js';
import { apiEvent, invoke, lambdaContext, ran } from '../support/events.js';
import { testStack, type TestStack } from '../support/stack.js';
import { seedTechnicianProfiles } from '../support/technicians.js';

const topic = 'arn:aws:sns:eu-west-2:123456789012:tyrehero-dispatch-test-ops-alerts';
const sns = mockClient(SNSClient);
let now = new Date('2026-01-14T14:00:00Z');
const later = (minutes: number) => (now = new Date(now.getTime() + minutes * 60_000));
let stack: TestStack;
const techs = ['rd-a', 'rd-b', 'rd-c'];

beforeAll(async () => {
  stack = await testStack({
    overrides: { clock: { now: () => now }, notifier: new SnsNotifier(new SNSClient({ region: 'eu-west-2' }), topic) },
  });
  await seedTechnicianProfiles(stack, techs);
});
beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
});
afterAll(() => stack.close());

const runRedispatch = async () => ran(await makeRedispatch(stack.deps)({}, lambdaContext()));
const t = () => stack.deps.technicians;
async function available(id: string, lat: number, lon: number) {
  await t().recordLocation(id, { location: { lat, lon }, recordedAt: now });
  await t().setAvailability(id, 'available');
}
async function request(lat: number, lon: number) {
  const body = emergencyBody({ location: { lat, lon }, safety: { onMotorway: false } });
  const response = await invoke(makeCreate(stack.deps), apiEvent({ method: 'POST', path: '/emergencies', body }));
  expect(response.status).toBe(201);
  return {
    ...(response.body as { id: string; reference: string; status: string }),
    phone: `+44${body.customer.phone.replace(/\s/g, '').slice(1)}`,
  };
}
const row = async (id: string) =>
  (
    await stack.sql.query(
      'SELECT status, technician_id, declined_by, sla_at_risk FROM emergency_requests WHERE id = $1',
      [id],
    )
  ).rows[0] as {
    status: string;
    technician_id: string | null;
    declined_by: string[];
    sla_at_risk: boolean;
  };
const opsAlerts = () =>
  sns
    .commandCalls(PublishCommand)
    .map((c) => c.args[0].input)
    .filter((input) => input.TopicArn === topic);

describe('redispatch (every minute)', () => {
  it('assigns a request left pending once a technician becomes available, alerting operations only the first time it was at risk', async () => {
    const waiting = await request(52.63, 1.3); // Norwich, nobody on shift
    expect(waiting.status).toBe('pending');
    expect(opsAlerts()).toHaveLength(1);

    sns.resetHistory();
    later(1);
    expect(await runRedispatch()).toMatchObject({ attempted: 1, assigned: 0, stillPending: 1 });
    expect(opsAlerts()).toEqual([]);

    await available('rd-a', 52.62, 1.29);
    later(1);
    expect(await runRedispatch()).toMatchObject({ attempted: 1, assigned: 1, stillPending: 0 });
    expect(await row(waiting.id)).toMatchObject({ status: 'assigned', technician_id: 'rd-a', sla_at_risk: false });
    // The customer hears who is coming; rd-a (seeded with +447700900900) gets the offer.
    expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input.PhoneNumber)).toEqual([
      waiting.phone,
      '+447700900900',
    ]);
    expect((await stack.deps.requests.transition(waiting.id, 'accept', now, 'rd-a')).kind).toBe('applied');
  });

  it('reclaims an offer not accepted within 3 minutes, sets the silent technician offline and offers the job to the next one', async () => {
    const job = await request(52.621, 1.291);
    // rd-a is still busy with the first job; bring in rd-b.
    await available('rd-b', 52.6, 1.25);
    later(1);
    await runRedispatch();
    expect(await row(job.id)).toMatchObject({ status: 'assigned', technician_id: 'rd-b' });

    later(2);
    expect(await runRedispatch()).toMatchObject({ reclaimed: 0 });
    await available('rd-c', 52.59, 1.2);
    sns.resetHistory();
    later(2); // now more than 3 minutes since rd-b was offered it
    const report = await runRedispatch();
    expect(report).toMatchObject({ reclaimed: 1, assigned: 1 });
    expect(await row(job.id)).toMatchObject({ status: 'assigned', technician_id: 'rd-c', declined_by: ['rd-b'] });
    expect(await t().position('rd-b')).toMatchObject({ status: 'offline' });
    expect((await t().position('rd-b'))?.currentJob).toBeUndefined();
    expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input)).toContainEqual(
      expect.objectContaining({
        PhoneNumber: '+447700900901',
        Message: expect.stringMatching(
          /^TyreHero job TH-\w{6} was not accepted within 3 minutes and has gone to someone else\. You are set offline/,
        ),
      }),
    );
  });

  it('never reclaims a job the technician accepted', async () => {
    const accepted = await stack.sql.query(`SELECT id FROM emergency_requests WHERE technician_id = 'rd-c'`);
    const id = accepted.rows[0].id as string;
    const outcome = await stack.deps.requests.transition(id, 'accept', now, 'rd-c');
    expect(outcome.kind).toBe('applied');
    later(10);
    expect(await runRedispatch()).toMatchObject({ reclaimed: 0 });
    expect(await row(id)).toMatchObject({ status: 'assigned', technician_id: 'rd-c' });
  });

  it('frees a technician still held for a job that was cancelled, but not one claimed a moment ago', async () => {
    const first = await stack.sql.query(`SELECT id FROM emergency_requests WHERE technician_id = 'rd-a'`);
    const id = first.rows[0].id as string;
    // The cancel committed but releasing the technician failed: simulate by cancelling in the store only.
    expect((await stack.deps.requests.transition(id, 'cancel', now)).kind).toBe('applied');
    expect(await t().position('rd-a')).toMatchObject({ status: 'busy', currentJob: id });

    later(2);
    // rd-b has just been claimed for a new job whose request row is not written yet: it must be left alone.
    const claimedJustNow = crypto.randomUUID();
    await t().recordLocation('rd-b', { location: { lat: 52.6, lon: 1.25 }, recordedAt: now });
    await t().setAvailability('rd-b', 'available');
    expect(await t().claim('rd-b', claimedJustNow, now, new Date(now.getTime() - 600_000))).toBe(true);

    const report = await runRedispatch();
    expect(report.freedTechnicians).toBe(1);
    expect(await t().position('rd-a')).toMatchObject({ status: 'available' });
    expect(await t().position('rd-b')).toMatchObject({ status: 'busy', currentJob: claimedJustNow });
  });

  it('leaves no technician holding two open jobs', async () => {
    const { rows } = await stack.sql.query(
      `SELECT technician_id, count(*)::int AS jobs FROM emergency_requests WHERE status IN ('assigned', 'en_route', 'on_site') GROUP BY technician_id HAVING count(*) > 1`,
    );
    expect(rows).toEqual([]);
  });
});
