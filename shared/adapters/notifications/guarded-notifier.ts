// Wraps the real notifier for SMS: a cap per destination per hour (SMS pumping), a SmsSent metric the volume alarm
// watches, and a record of every customer message for GDPR export (the cap is counted in that record).
import type { Clock } from '#shared/ports/clock.js';
import type { Log } from '#shared/ports/logger.js';
import type { NotificationLog } from '#shared/ports/notification-log.js';
import type { Notification, Notifier } from '#shared/ports/notifier.js';
import type { PhoneProtection } from '#shared/ports/phone-protection.js';
import type { RateCounter } from '#shared/ports/rate-counter.js';

/** The destination already had its hourly allowance of SMS; nothing was sent. */
export class SmsCapReached extends Error {
  constructor(purpose: string) {
    super(`SMS cap per destination reached; ${purpose} message not sent`);
    this.name = 'SmsCapReached';
  }
}

export interface SmsGuardDeps {
  phones: Pick<PhoneProtection, 'lookupHash'>;
  /** Counts the cap only while the record (PostgreSQL) is unreachable. */
  rateLimits: RateCounter;
  sent: NotificationLog;
  clock: Clock;
  log: Log;
  /** Counts SmsSent / SmsCapped (Powertools metrics in Lambda). */
  count: (metric: 'SmsSent' | 'SmsCapped') => void;
  smsLimitPerDestinationHour: number;
}

const customerPurposes = new Set([
  'customer-assigned',
  'customer-en-route',
  'customer-arrived',
  'customer-reassigned',
  'customer-cancelled',
  'incident-broadcast',
]);

export class GuardedNotifier implements Notifier {
  constructor(
    private readonly inner: Notifier,
    private readonly deps: SmsGuardDeps,
  ) {}

  async send(n: Notification): Promise<void> {
    // Only customer numbers come from the public: staff numbers come from the directory and are never capped.
    if (n.channel !== 'sms' || !customerPurposes.has(n.purpose)) {
      await this.inner.send(n);
      if (n.channel === 'sms') this.deps.count('SmsSent');
      return;
    }
    const now = this.deps.clock.now();
    const phoneHash = await this.deps.phones.lookupHash(n.to);
    const entry = { requestId: n.requestId, phoneHash, purpose: n.purpose, message: n.text, sentAt: now };
    // Recorded before it is sent, in the one call that counts the cap (migration 0013): no counter round trip.
    let recorded: { id: string } | 'capped' | 'unrecorded';
    try {
      recorded = await this.deps.sent.recordWithinCap(entry, this.deps.smsLimitPerDestinationHour);
    } catch (error) {
      // The record is unreachable (PostgreSQL down): the DynamoDB counter keeps the cap, and the message goes unrecorded.
      this.deps.log.error('could not record a customer notification; SMS cap counted in DynamoDB', {
        purpose: n.purpose,
        requestId: n.requestId,
        error: error,
      });
      const decision = await this.deps.rateLimits.take(`sms#${phoneHash}`, this.deps.smsLimitPerDestinationHour, now);
      recorded = decision.allowed ? 'unrecorded' : 'capped';
    }
    if (recorded === 'capped') {
      this.deps.count('SmsCapped');
      this.deps.log.warn('SMS cap per destination reached; message dropped', {
        purpose: n.purpose,
        requestId: n.requestId,
      });
      throw new SmsCapReached(n.purpose);
    }
    try {
      await this.inner.send(n);
    } catch (error) {
      // Not sent: neither in the customer's record nor in their allowance.
      if (recorded !== 'unrecorded') {
        const { id } = recorded;
        await this.deps.sent.withdraw(id).catch((withdrawError: unknown) =>
          this.deps.log.error('could not withdraw the record of an SMS not sent', {
            requestId: n.requestId,
            error: withdrawError,
          }),
        );
      }
      throw error;
    }
    this.deps.count('SmsSent');
  }
}
