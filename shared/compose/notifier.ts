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

/**
 * `synthetic` is where messages about synthetic requests go instead (PostgresSyntheticNotificationLog for a function
 * with the database, unrecordedSynthetic for one without); `real` replaces the outbound notifier (tests, scripts).
 */
export function notifier(config: Pick<Config, 'region' | 'notifier'>, log: Log, synthetic: SyntheticNotificationLog, options: { clock?: Clock; real?: Notifier } = {}): Notifier {
  const real = options.real ?? (config.notifier.kind === 'sns' ? new SnsNotifier(new SNSClient({ region: config.region }), config.notifier.opsTopicArn!) : new LogNotifier(log));
  return new SyntheticGuardNotifier(real, synthetic, options.clock ?? systemClock);
}
