// The SMS cap per destination on the real engines: counted in the record of customer messages (PostgreSQL), exact under
// concurrent sends, a failed send neither recorded nor counted, and the DynamoDB counter while PostgreSQL is down.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuardedNotifier, SmsCapReached } from '#shared/adapters/notifications/guarded-notifier.js';
import { PostgresNotificationLog } from '#shared/adapters/postgres/notification-log.js';
import type { Notification, Notifier } from '#shared/ports/notifier.js';
import { dramaPhone } from '../fixtures/emergencies.js';
import { testStack, type TestStack } from '../support/stack.js';

let stack: TestStack;
let now = new Date('2026-02-10T09:00:00Z');
const cap = 3;

beforeAll(async () => {
  stack = await testStack();
});
afterAll(() => stack.close());

const quietLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The guard around an outbound notifier that records what it was asked to send (and fails when told to). */
function guarded(options: { pool?: pg.Pool; failSend?: boolean } = {}) {
  const sent: Notification[] = [];
  const counted: string[] = [];
  const outbound: Notifier = {
    send: (n) => (options.failSend ? Promise.reject(new Error('provider down')) : (sent.push(n), Promise.resolve())),
  };
  const notifier = new GuardedNotifier(outbound, {
    phones: stack.deps.phones,
    rateLimits: stack.deps.rateLimits,
    sent: new PostgresNotificationLog(options.pool ?? stack.deps.pool),
    clock: { now: () => now },
    log: quietLog,
    count: (metric) => counted.push(metric),
    smsLimitPerDestinationHour: cap,
  });
  return { notifier, sent, counted };
}

const sms = (to: string): Notification => ({
  channel: 'sms',
  purpose: 'customer-en-route',
  to,
  text: 'TyreHero: your technician is on the way.',
});
const recordedFor = async (phone: string) =>
  (
    await stack.sql.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM customer_notifications WHERE phone_hash = $1',
      [await stack.deps.phones.lookupHash(phone)],
    )
  ).rows[0]!.n;

describe('SMS cap per destination', () => {
  it('sends and records the first 3 in an hour to one number, then drops and counts the rest', async () => {
    const phone = dramaPhone();
    const { notifier, sent, counted } = guarded();
    for (let i = 0; i < cap; i++) await notifier.send(sms(phone));
    await expect(notifier.send(sms(phone))).rejects.toBeInstanceOf(SmsCapReached);

    expect(sent).toHaveLength(cap);
    expect(counted).toEqual(['SmsSent', 'SmsSent', 'SmsSent', 'SmsCapped']);
    expect(await recordedFor(phone)).toBe(cap);
    // Another number has its own allowance; technicians' messages are never capped.
    await notifier.send(sms(dramaPhone()));
    await notifier.send({ channel: 'sms', purpose: 'technician-offer', to: phone, text: 'Job offer' });
    expect(sent).toHaveLength(cap + 2);
  });

  it('lets exactly 3 of 12 simultaneous sends to one number through', async () => {
    const phone = dramaPhone();
    const { notifier, sent } = guarded();
    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, () => notifier.send(sms(phone))));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(cap);
    expect(outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof SmsCapReached)).toHaveLength(12 - cap);
    expect(sent).toHaveLength(cap);
    expect(await recordedFor(phone)).toBe(cap);
  });

  it('counts a sliding hour: a slot frees an hour after the message that took it', async () => {
    const phone = dramaPhone();
    const { notifier, sent } = guarded();
    const t0 = now;
    try {
      for (let i = 0; i < cap; i++) {
        now = new Date(t0.getTime() + i * 60_000);
        await notifier.send(sms(phone));
      }
      now = new Date(t0.getTime() + 3_599_999);
      await expect(notifier.send(sms(phone))).rejects.toBeInstanceOf(SmsCapReached);
      now = new Date(t0.getTime() + 3_600_000);
      await notifier.send(sms(phone));
      expect(sent).toHaveLength(cap + 1);
    } finally {
      now = t0;
    }
  });

  it('neither records nor counts a message the provider would not take', async () => {
    const phone = dramaPhone();
    const failing = guarded({ failSend: true });
    for (let i = 0; i < cap + 2; i++) await expect(failing.notifier.send(sms(phone))).rejects.toThrow('provider down');
    expect(await recordedFor(phone)).toBe(0);
    // The allowance is intact.
    const { notifier, sent } = guarded();
    for (let i = 0; i < cap; i++) await notifier.send(sms(phone));
    expect(sent).toHaveLength(cap);
  });

  it('keeps the cap in the DynamoDB counter while PostgreSQL is unreachable', async () => {
    // Nothing listens on port 1: every query fails to connect, as during an outage.
    const down = new pg.Pool({
      connectionString: 'postgres://nobody@127.0.0.1:1/none',
      connectionTimeoutMillis: 1_000,
    });
    try {
      const phone = dramaPhone();
      const { notifier, sent } = guarded({ pool: down });
      for (let i = 0; i < cap; i++) await notifier.send(sms(phone));
      await expect(notifier.send(sms(phone))).rejects.toBeInstanceOf(SmsCapReached);
      expect(sent).toHaveLength(cap);
      expect(await recordedFor(phone)).toBe(0);
    } finally {
      await down.end();
    }
  });
});
