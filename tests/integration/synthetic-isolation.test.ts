// Synthetic (is_test) requests, such as DR drills, never reach the real fleet, never text anyone and never count.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeHandler as makeCreate } from '#functions/intake/create.js';
import { SnsNotifier } from '#shared/adapters/sns/notifier.js';
import type { Clock } from '#shared/ports/clock.js';
import { applyJobAction } from '#functions/jobs/job-actions.js';
import { arrivalCodeOf, vanAtBreakdown } from '../support/arrival.js';
import { emergencyBody } from '../fixtures/emergencies.js';
import { apiEvent, invoke } from '../support/events.js';
import { testStack, type TestStack } from '../support/stack.js';
import { seedTechnicianProfiles } from '../support/technicians.js';

const topic = 'arn:aws:sns:eu-west-2:123456789012:tyrehero-dispatch-test-ops-alerts';
const sns = mockClient(SNSClient);
const now = new Date('2026-01-14T14:00:00Z');
const clock: Clock = { now: () => now };
const luton = { lat: 51.8793, lon: -0.4175 };
let stack: TestStack;
let create: ReturnType<typeof makeCreate>;

async function onShift(id: string, lat: number, lon: number) {
  await stack.deps.technicians.recordLocation(id, { location: { lat, lon }, recordedAt: now });
  expect(await stack.deps.technicians.setAvailability(id, 'available')).toBe('updated');
}

beforeAll(async () => {
  // A 40 km search radius keeps the empty-fleet searches below short on a loaded machine; every position here is within 15 km.
  stack = await testStack({
    env: { DISPATCH_MAX_RADIUS_KM: '40' },
    overrides: { clock, notifier: new SnsNotifier(new SNSClient({ region: 'eu-west-2' }), topic) },
  });
  create = makeCreate(stack.deps);
  await seedTechnicianProfiles(stack, ['real-near', 'test-drill-1']);
});
beforeEach(async () => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  await stack.sql.query(
    `UPDATE emergency_requests SET status = 'cancelled', cancelled_at = $1 WHERE status <> 'cancelled'`,
    [now],
  );
});
afterAll(() => stack.close());

const post = (body: Record<string, unknown>, synthetic: boolean) =>
  invoke(
    create,
    apiEvent({
      method: 'POST',
      path: '/emergencies',
      body: emergencyBody(body),
      headers: synthetic ? { 'X-Synthetic-Test': 'true' } : {},
    }),
  );

describe('a synthetic request', () => {
  it('goes to a test technician even when a real one is nearer, and nothing is sent: it is recorded instead', async () => {
    await onShift('real-near', 51.88, -0.42); // 0.2 km away
    await onShift('test-drill-1', 51.95, -0.52); // 10 km away
    const response = await post({ location: luton }, true);

    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ status: 'assigned', technician: { id: 'test-drill-1' } });
    const { rows } = await stack.sql.query('SELECT is_test, technician_id FROM emergency_requests WHERE id = $1', [
      response.body.id,
    ]);
    expect(rows[0]).toEqual({ is_test: true, technician_id: 'test-drill-1' });
    expect((await stack.deps.technicians.position('real-near'))?.status).toBe('available');
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    const recorded = await stack.deps.syntheticNotifications.listFor(response.body.id as string);
    expect(recorded.map((r) => r.purpose)).toEqual(['customer-assigned', 'technician-offer']);
    expect(recorded[0]).toMatchObject({
      channel: 'sms',
      to: expect.stringMatching(/^\+447700900\d{3}$/),
      text: expect.stringContaining(String(response.body.reference)),
    });
    // The synthetic guard sits outside issue 14's SMS guard: nothing was sent, so nothing is logged as sent to a customer.
    const sent = await stack.sql.query('SELECT count(*)::int AS n FROM customer_notifications WHERE request_id = $1', [
      response.body.id,
    ]);
    expect(sent.rows[0]).toEqual({ n: 0 });

    // The rest of its life is recorded too: en route and arrival texts never leave.
    const technician = { subject: 'test-drill-1', groups: ['technicians'] };
    const jobId = response.body.id as string;
    for (const action of ['accept', 'en-route'] as const) await applyJobAction(stack.deps, technician, jobId, action);
    await vanAtBreakdown(stack, jobId, 'test-drill-1', new Date(now.getTime() + 1000));
    await applyJobAction(stack.deps, technician, jobId, 'arrived');
    await applyJobAction(stack.deps, technician, jobId, 'complete', { arrivalCode: await arrivalCodeOf(stack, jobId) });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect((await stack.deps.syntheticNotifications.listFor(response.body.id as string)).map((r) => r.purpose)).toEqual(
      ['customer-assigned', 'technician-offer', 'customer-en-route', 'customer-arrived'],
    );
    await stack.deps.technicians.setAvailability('real-near', 'offline');
  });

  it('stays pending rather than take a real technician when no test technician is free, and operations are not paged', async () => {
    await stack.deps.technicians.setAvailability('test-drill-1', 'offline');
    await onShift('real-near', 51.88, -0.42);
    const response = await post({ location: luton }, true);

    expect(response.body).toMatchObject({ status: 'pending' });
    expect((await stack.deps.technicians.position('real-near'))?.status).toBe('available');
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    const recorded = await stack.deps.syntheticNotifications.listFor(response.body.id as string);
    expect(recorded).toEqual([expect.objectContaining({ channel: 'operations', purpose: 'no-technician-in-range' })]);
    await stack.deps.technicians.setAvailability('real-near', 'offline');
  });
});

describe('a real request', () => {
  it('is never offered to a test technician, even the only one nearby', async () => {
    await onShift('test-drill-1', 51.88, -0.42);
    const response = await post({ location: luton }, false);

    expect(response.body).toMatchObject({ status: 'pending' });
    expect((await stack.deps.technicians.position('test-drill-1'))?.status).toBe('available');
    const { rows } = await stack.sql.query('SELECT is_test, technician_id FROM emergency_requests WHERE id = $1', [
      response.body.id,
    ]);
    expect(rows[0]).toEqual({ is_test: false, technician_id: null });
    // A real customer's request is paged for real.
    expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input.TopicArn)).toEqual([topic]);
  });

  it('is texted through the SMS guard (recorded as sent for GDPR export), and nothing about it is recorded as synthetic', async () => {
    await onShift('real-near', 51.88, -0.42);
    const response = await post({ location: luton }, false);

    expect(response.body).toMatchObject({ status: 'assigned', technician: { id: 'real-near' } });
    expect(sns.commandCalls(PublishCommand).filter((c) => c.args[0].input.PhoneNumber)).toHaveLength(2);
    const { rows } = await stack.sql.query('SELECT purpose FROM customer_notifications WHERE request_id = $1', [
      response.body.id,
    ]);
    expect(rows).toEqual([{ purpose: 'customer-assigned' }]);
    expect(await stack.deps.syntheticNotifications.listFor(response.body.id as string)).toEqual([]);
    await stack.sql.query(`UPDATE emergency_requests SET status = 'cancelled', cancelled_at = $1 WHERE id = $2`, [
      now,
      response.body.id,
    ]);
    await stack.deps.technicians.release('real-near', response.body.id as string);
    await stack.deps.technicians.setAvailability('real-near', 'offline');
  });

  it('cannot be assigned to a test technician even by a direct store call (the database refuses)', async () => {
    const response = await post({ location: { lat: 53.48, lon: -2.24 } }, false);
    expect(
      await stack.deps.requests.assignIfPending(response.body.id as string, 'test-drill-1', now, now),
    ).toBeUndefined();
    const synthetic = await post({ location: { lat: 53.48, lon: -2.24 } }, true);
    expect(
      await stack.deps.requests.assignIfPending(synthetic.body.id as string, 'real-near', now, now),
    ).toBeUndefined();
  });
});

describe('the test fleet', () => {
  it('is left out of the available technicians that operations and coverage count', async () => {
    await onShift('test-drill-1', 51.88, -0.42);
    await onShift('real-near', 51.88, -0.42);
    const listed = await stack.deps.technicians.listDispatchable(new Date(now.getTime() - 60_000));
    expect(listed.map((t) => t.technicianId)).toEqual(['real-near']);
    await stack.deps.technicians.setAvailability('real-near', 'offline');
  });

  it('is flagged in the directory only with the reserved id prefix, and the reverse is refused', async () => {
    const { rows } = await stack.sql.query(
      `SELECT id, is_test FROM technicians WHERE id IN ('real-near', 'test-drill-1') ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: 'real-near', is_test: false },
      { id: 'test-drill-1', is_test: true },
    ]);
    const insert = (id: string, isTest: boolean) =>
      stack.sql.query(
        `INSERT INTO technicians (id, name, phone, home_base, home_latitude, home_longitude, van, is_test) VALUES ($1, 'X', '+447700900999', 'b', 51.5, -0.1, 'v', $2)`,
        [id, isTest],
      );
    await expect(insert('tech-sneaky', true)).rejects.toThrow(/technicians_test_fleet_id_chk/);
    await expect(insert('test-unflagged', false)).rejects.toThrow(/technicians_test_fleet_id_chk/);
  });
});
