import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeHandler as makeCreate } from '#functions/intake/create.js';
import { SnsNotifier } from '#shared/adapters/sns/notifier.js';
import type { Clock } from '#shared/ports/clock.js';
import { emergencyBody } from '../fixtures/emergencies.js';
import { apiEvent, invoke } from '../support/events.js';
import { testStack, type TestStack } from '../support/stack.js';
import { seedTechnicianProfiles } from '../support/technicians.js';

const topic = 'arn:aws:sns:eu-west-2:123456789012:tyrehero-dispatch-test-ops-alerts';
const sns = mockClient(SNSClient);
// 14:00 UK time, so the urban/rural/motorway speeds apply without a night bonus in the priority.
const now = new Date('2026-01-14T14:00:00Z');
const clock: Clock = { now: () => now };
let stack: TestStack;
let create: ReturnType<typeof makeCreate>;

beforeAll(async () => {
  stack = await testStack({
    overrides: { clock, notifier: new SnsNotifier(new SNSClient({ region: 'eu-west-2' }), topic) },
  });
  create = makeCreate(stack.deps);
  await seedTechnicianProfiles(stack, ['luton-1', 'far-1']);
  await stack.sql.query(
    `UPDATE technicians SET name = 'Sophie Turner', phone = '+447700900523', van = 'Ford Transit Custom (TH21 ABC)' WHERE id = 'luton-1'`,
  );
  for (const [id, lat, lon] of [
    ['luton-1', 51.9467, -0.5203],
    ['far-1', 57.48, -4.22],
  ] as const) {
    await stack.deps.technicians.recordLocation(id, { location: { lat, lon }, recordedAt: now });
    await stack.deps.technicians.setAvailability(id, 'available');
  }
});
beforeEach(() => sns.reset());
afterAll(() => stack.close());

const post = (body: Record<string, unknown>) =>
  invoke(create, apiEvent({ method: 'POST', path: '/emergencies', body: emergencyBody(body) }));

describe('dispatch on POST /emergencies', () => {
  it('answers 201 with the nearest technician and an ETA, and texts the customer and the technician', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const response = await post({
      customer: { name: 'Siân Jones', phone: '07700 900123' },
      location: { lat: 51.8793, lon: -0.4175 },
    });

    expect(response.status).toBe(201);
    // 10.3 km straight line × 1.3 road factor = 13.4 km at the motorway's 90 km/h = 8.9 min, + 10 min mobilisation → 19 min.
    expect(response.body).toMatchObject({
      status: 'assigned',
      technician: { id: 'luton-1', firstName: 'Sophie', van: 'Ford Transit Custom (TH21 ABC)', distanceKm: 10.3 },
      etaMinutes: 19,
      eta: '2026-01-14T14:19:00.000Z',
      slaAtRisk: false,
    });
    const { rows } = await stack.sql.query('SELECT status, technician_id, eta FROM emergency_requests WHERE id = $1', [
      response.body.id,
    ]);
    expect(rows[0]).toMatchObject({ status: 'assigned', technician_id: 'luton-1' });

    const calls = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(calls).toEqual([
      {
        PhoneNumber: '+447700900123',
        // The tracking page, on the local default PUBLIC_BASE_URL, with the token this answer gave the customer.
        Message: `TyreHero ${String(response.body.reference)}: Sophie is coming to you in a Ford Transit Custom (TH21 ABC), expected by 14:19 (about 19 min). Follow the van: http://localhost:3000/t/${String(response.body.reference)}#${String(response.body.trackingToken)}`,
        MessageAttributes: {
          'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
          'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'TyreHero' },
        },
      },
      expect.objectContaining({
        PhoneNumber: '+447700900523',
        MessageAttributes: expect.any(Object),
        Message: expect.stringMatching(
          /^TyreHero job TH-\w{6}: blowout at 51\.8793,-0\.4175, 10\.3 km away\. Accept in the app within 3 minutes\.$/,
        ),
      }),
    ]);
    await stack.deps.technicians.release('luton-1', response.body.id as string);
  });

  it('keeps the request pending with slaAtRisk and alerts operations when the only free technician cannot arrive in time', async () => {
    await stack.deps.technicians.setAvailability('luton-1', 'on_break');
    const response = await post({
      location: { lat: 55.95, lon: -3.19 },
      safety: { onMotorway: false, vulnerableOccupants: false },
    }); // Edinburgh: 170 km from Inverness, beyond reach
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ status: 'pending', slaAtRisk: true });
    expect(response.body.technician).toBeUndefined();
    const { rows } = await stack.sql.query('SELECT status, sla_at_risk FROM emergency_requests WHERE id = $1', [
      response.body.id,
    ]);
    expect(rows[0]).toEqual({ status: 'pending', sla_at_risk: true });
    expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input)).toEqual([
      {
        TopicArn: topic,
        Subject: `[P3] TyreHero ${String(response.body.reference)}: SLA at risk`,
        // A non-motorway request with the full 90 minutes: nobody beyond 61 km could arrive in time, so none is searched.
        Message: expect.stringMatching(
          /no available technician who can arrive before its deadline \(none within 61 km\) .*Severity P3: 1 customer affected\.$/,
        ),
      },
    ]);
    await stack.deps.technicians.setAvailability('luton-1', 'available');
  });

  it('flags SLA at risk when a technician is in range but too far to arrive before the deadline', async () => {
    // Aviemore: 40 km from the Inverness technician but beyond a 15-minute SLA in a stage configured that tightly.
    const tight = await testStack({
      env: { SLA_MINUTES: '15' },
      overrides: { clock, notifier: new SnsNotifier(new SNSClient({ region: 'eu-west-2' }), topic) },
    });
    try {
      await tight.deps.technicians.recordLocation('far-1', { location: { lat: 57.48, lon: -4.22 }, recordedAt: now });
      await tight.deps.technicians.setAvailability('far-1', 'available');
      sns.on(PublishCommand).resolves({});
      const response = await invoke(
        makeCreate(tight.deps),
        apiEvent({
          method: 'POST',
          path: '/emergencies',
          body: emergencyBody({ location: { lat: 57.19, lon: -3.83 } }),
        }),
      );
      expect(response.body).toMatchObject({ status: 'pending', slaAtRisk: true });
      expect(sns.commandCalls(PublishCommand)[0]!.args[0].input).toMatchObject({
        TopicArn: topic,
        Subject: expect.stringContaining('SLA at risk'),
      });
    } finally {
      await tight.close();
    }
  });

  it('still stores and accepts the request when SMS sending fails', async () => {
    sns.on(PublishCommand).rejects(new Error('SNS throttled'));
    const response = await post({ location: { lat: 51.9, lon: -0.45 } });
    expect(response.status).toBe(201);
    expect(response.body.status).toBe('assigned');
    await stack.deps.technicians.release('luton-1', response.body.id as string);
  });
});
