// Customer SMS and operations alerts: SNS in AWS, the log locally, always behind the synthetic guard, so a message
// about a synthetic (drill) request is recorded and never sent, whichever function sends it.
import { SNSClient } from '@aws-sdk/client-sns';
import type { Config } from '../config.js';
import { SyntheticGuardNotifier } from '../adapters/notifications/synthetic-guard.js';
import { LogNotifier, SnsNotifier } from '../adapters/sns/notifier.js';
import { systemClock } from '../adapters/system.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/logger.js';
import type { Notifier, SyntheticNotificationLog } from '../ports/notifier.js';

export interface NotifierOptions {
  clock?: Clock;
  /** Replaces the outbound notifier (tests, scripts). */
  real?: Notifier;
  /**
   * Wraps the outbound notifier inside the synthetic guard: issue 14's SMS guard (protection.ts, guardSms) goes here,
   * so a synthetic message is recorded before it could spend a customer's SMS allowance, count as SmsSent or be
   * written to customer_notifications, while every real message still passes the cap, the metric and the record.
   */
  guard?: (outbound: Notifier) => Notifier;
}

/**
 * `synthetic` is where messages about synthetic requests go instead (PostgresSyntheticNotificationLog for a function
 * with the database, unrecordedSynthetic for one without). The order, outermost first: synthetic guard, `guard`,
 * outbound (SNS or the log).
 */
export function notifier(config: Pick<Config, 'region' | 'notifier'>, log: Log, synthetic: SyntheticNotificationLog, options: NotifierOptions = {}): Notifier {
  const outbound = options.real ?? (config.notifier.kind === 'sns' ? new SnsNotifier(new SNSClient({ region: config.region }), config.notifier.opsTopicArn!) : new LogNotifier(log));
  return new SyntheticGuardNotifier(options.guard ? options.guard(outbound) : outbound, synthetic, options.clock ?? systemClock);
}
