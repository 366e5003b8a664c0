// Customer SMS and operations alerts: SNS in AWS, the log locally, always behind the synthetic guard, so a message
// about a synthetic (drill) request is recorded and never sent, whichever function sends it. In a function that texts
// people (it passes the `sms` concern), SMS also get notification continuity: bounded retries, the stage's fallback
// provider, and an operations alert plus NotificationUndelivered when nothing delivered them.
import { SNSClient } from '@aws-sdk/client-sns';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Config } from '../config.js';
import { SmsContinuityNotifier, type SmsContinuityDeps, type SmsProvider } from '../adapters/notifications/sms-continuity.js';
import { SyntheticGuardNotifier } from '../adapters/notifications/synthetic-guard.js';
import { LogNotifier, SnsNotifier } from '../adapters/sns/notifier.js';
import { systemClock } from '../adapters/system.js';
import { parseTwilioCredentials, TwilioSmsNotifier, type PostLike, type TwilioCredentials } from '../adapters/twilio/sms-notifier.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/logger.js';
import type { Notifier, SyntheticNotificationLog } from '../ports/notifier.js';
import { metrics } from '../powertools/metrics.js';

export interface NotifierOptions {
  clock?: Clock;
  /** Replaces the outbound notifier (tests, scripts): no continuity around it. */
  real?: Notifier;
  /**
   * Wraps the outbound notifier inside the synthetic guard: issue 14's SMS guard (protection.ts, guardSms) goes here,
   * so a synthetic message is recorded before it could spend a customer's SMS allowance, count as SmsSent or be
   * written to customer_notifications, while every real message still passes the cap, the metric and the record.
   */
  guard?: (outbound: Notifier) => Notifier;
  /** Test seams of notification continuity: backoff, jitter, attempt timeouts, metrics, the fallback's secret and HTTP. */
  continuity?: Partial<Pick<SmsContinuityDeps, 'sleep' | 'random' | 'timeoutSignal' | 'count'>> & { fallbackCredentials?: () => Promise<TwilioCredentials>; post?: PostLike };
}

type NotifierConcerns = Pick<Config, 'region' | 'notifier'> & Partial<Pick<Config, 'sms'>>;

/**
 * `synthetic` is where messages about synthetic requests go instead (PostgresSyntheticNotificationLog for a function
 * with the database, unrecordedSynthetic for one without). The order, outermost first: synthetic guard, `guard`,
 * continuity (with `sms`), outbound (SNS or the log; the fallback).
 */
export function notifier(config: NotifierConcerns, log: Log, synthetic: SyntheticNotificationLog, options: NotifierOptions = {}): Notifier {
  const outbound = options.real ?? (config.sms ? continuity({ ...config, sms: config.sms }, log, options) : direct(config, log, new SNSClient({ region: config.region })));
  return new SyntheticGuardNotifier(options.guard ? options.guard(outbound) : outbound, synthetic, options.clock ?? systemClock);
}

/** SMS attempts are counted by continuity alone: the SDK's own three attempts with backoff would multiply them and overrun the budget. */
export const smsClient = (region: string) => new SNSClient({ region, maxAttempts: 1 });

const direct = (config: NotifierConcerns, log: Log, client: SNSClient): Notifier => (config.notifier.kind === 'sns' ? new SnsNotifier(client, config.notifier.opsTopicArn!) : new LogNotifier(log));

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function continuity(config: Required<NotifierConcerns>, log: Log, options: NotifierOptions): Notifier {
  const seams = options.continuity ?? {};
  // Two SNS clients: SMS without SDK retries; the operations topic with them, and unaffected by anything the SMS path does.
  const primary: SmsProvider = { name: config.notifier.kind, notifier: direct(config, log, smsClient(config.region)) };
  const operations = direct(config, log, new SNSClient({ region: config.region }));
  return new SmsContinuityNotifier({
    primary,
    fallback: fallbackProvider(config.sms.fallback, seams),
    operations,
    policy: config.sms.retry,
    clock: options.clock ?? systemClock,
    sleep: seams.sleep ?? realSleep,
    random: seams.random ?? Math.random,
    timeoutSignal: seams.timeoutSignal ?? ((ms) => AbortSignal.timeout(ms)),
    count: seams.count ?? ((metric) => metrics.addMetric(metric, MetricUnit.Count, 1)),
    log,
  });
}

function fallbackProvider(fallback: Config['sms']['fallback'], seams: NonNullable<NotifierOptions['continuity']>): SmsProvider | undefined {
  if (fallback.kind === 'none') return undefined;
  // Read through Powertools Parameters when first needed and cached 5 minutes: a rotated token is picked up soon, and
  // a stage whose SNS never fails never reads it.
  const credentials = seams.fallbackCredentials ?? (async () => parseTwilioCredentials(await getSecret(fallback.secretId, { transform: 'json', maxAge: 300 })));
  return { name: 'twilio', notifier: new TwilioSmsNotifier({ apiUrl: fallback.apiUrl, from: fallback.from, credentials, post: seams.post }) };
}
