import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeHandler } from '#functions/operations/incident-broadcast.js';
import { broadcastIncident } from '#functions/operations/broadcast-incident.js';
import { SnsNotifier } from '#shared/adapters/sns/notifier.js';
import { lambdaContext } from '../support/events.js';
import { nextReference, seedRequest } from '../support/requests.js';
import { testStack, type TestStack } from '../support/stack.js';

const sns = mockClient(SNSClient);
const now = new Date('2026-07-01T13:00:00Z');
let stack: TestStack;
const refs: Record<string, string> = {};

beforeAll(async () => {
  stack = await testStack({
    overrides: {
      clock: { now: () => now },
      notifier: new SnsNotifier(new SNSClient({ region: 'eu-west-2' }), 'arn:aws:sns:eu-west-2:123456789012:ops'),
    },
  });
  const seed = async (name: string, request: Parameters<typeof seedRequest>[1]) => {
    const reference = nextReference();
    refs[name] = reference;
    await seedRequest(stack.sql, { reference, ...request });
  };
  await seed('pending', { status: 'pending', createdAt: '2026-07-01T12:50:00Z', phone: '+447700900101', priority: 2 });
  await seed('enRoute', {
    status: 'en_route',
    createdAt: '2026-07-01T12:30:00Z',
    phone: '+447700900102',
    eta: '2026-07-01T13:25:00Z',
  });
  // Same customer, two open requests: one message, about the more urgent.
  await seed('urgent', {
    status: 'assigned',
    createdAt: '2026-07-01T12:40:00Z',
    phone: '+447700900103',
    priority: 1,
    eta: '2026-07-01T13:40:00Z',
  });
  await seed('lessUrgent', {
    status: 'pending',
    createdAt: '2026-07-01T12:35:00Z',
    phone: '+447700900103',
    priority: 4,
  });
  // Not open, or not a real customer: never texted.
  await seed('completed', {
    status: 'completed',
    createdAt: '2026-07-01T10:00:00Z',
    onSiteAt: '2026-07-01T11:00:00Z',
    completedAt: '2026-07-01T11:30:00Z',
    phone: '+447700900104',
  });
  await seed('synthetic', {
    status: 'pending',
    createdAt: '2026-07-01T12:55:00Z',
    phone: '+447700900105',
    isTest: true,
  });
});
beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});
afterAll(() => stack.close());

const broadcast = (event: unknown) => makeHandler(stack.deps)(event, lambdaContext('incidentBroadcast'));
const sms = (phone: string, message: string) => ({
  PhoneNumber: phone,
  Message: message,
  MessageAttributes: {
    'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
    'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'TyreHero' },
  },
});
const published = () => sns.commandCalls(PublishCommand).map((c) => c.args[0].input);

describe('incidentBroadcast', () => {
  it('is a dry run by default: counts and masks the recipients, sends nothing, records nothing', async () => {
    const report = await broadcast({ incidentId: 'INC-2026-014' });
    expect(report).toEqual({
      incidentId: 'INC-2026-014',
      dryRun: true,
      recipients: 3,
      numbers: ['+44*******101', '+44*******102', '+44*******103'],
      alreadyNotified: 0,
      sent: 0,
      failed: [],
    });
    expect(await broadcast({ incidentId: 'INC-2026-014', send: false })).toMatchObject({ dryRun: true, sent: 0 });
    expect(published()).toEqual([]);
    expect((await stack.sql.query('SELECT count(*)::int AS n FROM incident_broadcasts')).rows[0].n).toBe(0);
  });

  it('texts each open customer once through SNS, skipping test requests and closed ones', async () => {
    const report = await broadcast({ incidentId: 'INC-2026-014', send: true });
    expect(report).toMatchObject({ dryRun: false, recipients: 3, sent: 3, failed: [], alreadyNotified: 0 });
    const promise = 'we are resolving a technical issue; your request is still being processed.';
    expect(published()).toEqual([
      sms(
        '+447700900101',
        `TyreHero ${refs.pending}: ${promise} We will text you an arrival time as soon as a technician is assigned.`,
      ),
      // 13:25 UTC is 14:25 BST.
      sms('+447700900102', `TyreHero ${refs.enRoute}: ${promise} Your technician is expected by 14:25.`),
      sms('+447700900103', `TyreHero ${refs.urgent}: ${promise} Your technician is expected by 14:40.`),
    ]);
  });

  it('never texts a customer twice for the same incident, but does for a new one', async () => {
    expect(await broadcast({ incidentId: 'INC-2026-014', send: true })).toMatchObject({
      recipients: 0,
      sent: 0,
      alreadyNotified: 3,
    });
    expect(published()).toEqual([]);
    expect(await broadcast({ incidentId: 'INC-2026-015', send: true })).toMatchObject({ sent: 3 });
    expect(published()).toHaveLength(3);
  });

  it('sends once per customer even when two operators broadcast the same incident at the same moment', async () => {
    const [a, b] = await Promise.all([
      broadcast({ incidentId: 'INC-2026-016', send: true }),
      broadcast({ incidentId: 'INC-2026-016', send: true }),
    ]);
    expect(a.sent + b.sent).toBe(3);
    expect(
      published()
        .map((p) => p.PhoneNumber)
        .sort(),
    ).toEqual(['+447700900101', '+447700900102', '+447700900103']);
  });

  it('reports a failed SMS and does not retry it for that incident (at most once)', async () => {
    sns.on(PublishCommand, { PhoneNumber: '+447700900102' }).rejects(new Error('throttled'));
    expect(await broadcast({ incidentId: 'INC-2026-017', send: true })).toMatchObject({
      sent: 2,
      failed: ['+44*******102'],
    });
    // Claims hold the phone's keyed hash, never the number (migration 0006).
    const { rows } = await stack.sql.query(
      `SELECT phone_hash, sent_at IS NOT NULL AS sent FROM incident_broadcasts WHERE incident_id = 'INC-2026-017'`,
    );
    const hashOf = (phone: string) => stack.deps.phones.lookupHash(phone);
    expect(rows).toEqual(
      expect.arrayContaining([
        { phone_hash: await hashOf('+447700900101'), sent: true },
        { phone_hash: await hashOf('+447700900102'), sent: false },
        { phone_hash: await hashOf('+447700900103'), sent: true },
      ]),
    );
    expect(rows).toHaveLength(3);
    sns.reset();
    sns.on(PublishCommand).resolves({});
    expect(await broadcast({ incidentId: 'INC-2026-017', send: true })).toMatchObject({ sent: 0, alreadyNotified: 3 });
    expect(published()).toEqual([]);
  });

  it('texts only the customers in the incident’s areas when it names some (the nearest service region to each breakdown)', async () => {
    const reference = nextReference();
    await seedRequest(stack.sql, {
      reference,
      status: 'pending',
      createdAt: '2026-07-01T12:58:00Z',
      phone: '+447700900109',
    });
    await stack.sql.query('UPDATE emergency_requests SET latitude = 55.87, longitude = -4.29 WHERE reference = $1', [
      reference,
    ]);
    const deps = { ...stack.deps, regions: stack.config.weather.regions };
    const glasgow = await broadcastIncident(deps, { incidentId: 'INC-AREAS-1' }, undefined, ['Glasgow']);
    expect(glasgow).toMatchObject({ recipients: 1, numbers: ['+44*******109'] });
    const london = await broadcastIncident(deps, { incidentId: 'INC-AREAS-1' }, undefined, ['London']);
    expect(london.numbers).not.toContain('+44*******109');
    expect(london.recipients).toBeGreaterThan(0);
    // No areas: everyone with an open request.
    expect((await broadcastIncident(deps, { incidentId: 'INC-AREAS-1' })).recipients).toBe(london.recipients + 1);
  });

  it.each([
    {},
    { incidentId: '' },
    { incidentId: 'INC 1; DROP' },
    { incidentId: 'INC-1', send: 'yes' },
    { incidentId: 'INC-1', extra: 1 },
  ])('refuses %j', async (event) => {
    await expect(broadcast(event)).rejects.toThrow(/Invalid broadcast request/);
    expect(published()).toEqual([]);
  });
});
