// Customer SMS and operations alerts: SNS in AWS, the log locally, always behind the synthetic guard, so a message
// about a synthetic (drill) request is recorded and never sent, whichever function sends it. Functions that text people
// pass `smsContinuity(...)` (./sms-continuity.ts) as the outbound notifier; the others never carry its code.
import { SNSClient } from '@aws-sdk/client-sns';
import type { CoreConfig } from '#shared/config/core.js';
import { namingUnreachable, sdkClientOptions } from '#shared/adapters/sdk-client-options.js';
import { SyntheticGuardNotifier } from '#shared/adapters/notifications/synthetic-guard.js';
import { LogNotifier, SnsNotifier } from '#shared/adapters/sns/notifier.js';
import { systemClock } from '#shared/adapters/system.js';
import type { Clock } from '#shared/ports/clock.js';
import type { Log } from '#shared/ports/logger.js';
import type { Notifier, SyntheticNotificationLog } from '#shared/ports/notifier.js';

export interface NotifierOptions {
  clock?: Clock;
  /** The outbound notifier instead of plain SNS or the log: SMS continuity in functions that text people, a stub in tests. */
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
 * outbound (SNS or the log, or SMS continuity around them).
 */
export function notifier(
  config: Pick<CoreConfig, 'region' | 'notifier'>,
  log: Log,
  synthetic: SyntheticNotificationLog,
  options: NotifierOptions = {},
): Notifier {
  const outbound =
    options.real ??
    plainNotifier(config, log, namingUnreachable(new SNSClient({ region: config.region, ...sdkClientOptions() })));
  return new SyntheticGuardNotifier(
    options.guard ? options.guard(outbound) : outbound,
    synthetic,
    options.clock ?? systemClock,
  );
}

/** SNS on the given client (operations topic and SMS), or the log on the local stage. */
export function plainNotifier(config: Pick<CoreConfig, 'notifier'>, log: Log, client: SNSClient): Notifier {
  return config.notifier.kind === 'sns' ? new SnsNotifier(client, config.notifier.opsTopicArn!) : new LogNotifier(log);
}
