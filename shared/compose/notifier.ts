// Customer SMS and operations alerts: SNS in AWS, the log locally.
import { SNSClient } from '@aws-sdk/client-sns';
import type { Config } from '../config.js';
import { LogNotifier, SnsNotifier } from '../adapters/sns/notifier.js';
import type { Log } from '../ports/logger.js';
import type { Notifier } from '../ports/notifier.js';

export function notifier(config: Pick<Config, 'region' | 'notifier'>, log: Log): Notifier {
  return config.notifier.kind === 'sns' ? new SnsNotifier(new SNSClient({ region: config.region }), config.notifier.opsTopicArn!) : new LogNotifier(log);
}
