// Notification continuity for the functions that text people: SMS retried within a time budget, the stage's fallback
// provider, and an operations alert plus NotificationUndelivered when nothing delivered them. Kept out of
// ./notifier.ts so the functions that only alert operations do not bundle it.
import { SNSClient } from '@aws-sdk/client-sns';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CoreConfig } from '#shared/config/core.js';
import { namingUnreachable, sdkClientOptions } from '#shared/adapters/sdk-client-options.js';
import { secrets } from '#shared/adapters/secrets/provider.js';
import {
  SmsContinuityNotifier,
  type SmsContinuityDeps,
  type SmsProvider,
} from '#shared/adapters/notifications/sms-continuity.js';
import { systemClock } from '#shared/adapters/system.js';
import {
  parseTwilioCredentials,
  TwilioSmsNotifier,
  type PostLike,
  type TwilioCredentials,
} from '#shared/adapters/twilio/sms-notifier.js';
import type { Clock } from '#shared/ports/clock.js';
import type { Log } from '#shared/ports/logger.js';
import type { Notifier } from '#shared/ports/notifier.js';
import { metrics } from '#shared/powertools/metrics.js';
import { plainNotifier } from './notifier.js';

/** Test seams: backoff, jitter, attempt timeouts, metrics, the fallback's secret and HTTP. */
export type ContinuityOptions = Partial<Pick<SmsContinuityDeps, 'sleep' | 'random' | 'timeoutSignal' | 'count'>> & {
  clock?: Clock;
  fallbackCredentials?: () => Promise<TwilioCredentials>;
  post?: PostLike;
};

/** SMS attempts are counted by continuity alone: the SDK's own three attempts with backoff would multiply them and overrun the budget. */
export const smsClient = (region: string) =>
  namingUnreachable(new SNSClient({ region, maxAttempts: 1, ...sdkClientOptions() }));

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The outbound notifier of a function that texts people: pass it as `real` to `notifier(...)`. */
export function smsContinuity(
  config: Pick<CoreConfig, 'region' | 'notifier' | 'sms'>,
  log: Log,
  options: ContinuityOptions = {},
): Notifier {
  // Two SNS clients: SMS without SDK retries; the operations topic with them, untouched by anything the SMS path does.
  const primary: SmsProvider = {
    name: config.notifier.kind,
    notifier: plainNotifier(config, log, smsClient(config.region)),
  };
  return new SmsContinuityNotifier({
    primary,
    fallback: fallbackProvider(config.sms.fallback, options),
    operations: plainNotifier(
      config,
      log,
      namingUnreachable(new SNSClient({ region: config.region, ...sdkClientOptions() })),
    ),
    policy: config.sms.retry,
    clock: options.clock ?? systemClock,
    sleep: options.sleep ?? realSleep,
    random: options.random ?? Math.random,
    timeoutSignal: options.timeoutSignal ?? ((ms) => AbortSignal.timeout(ms)),
    count: options.count ?? ((metric) => metrics.addMetric(metric, MetricUnit.Count, 1)),
    log,
  });
}

function fallbackProvider(
  fallback: CoreConfig['sms']['fallback'],
  options: ContinuityOptions,
): SmsProvider | undefined {
  if (fallback.kind === 'none') return undefined;
  // Read through Powertools Parameters when first needed and cached 5 minutes: a rotated token is picked up soon, and
  // a container whose SNS never fails never reads it.
  const credentials =
    options.fallbackCredentials ??
    (async () => parseTwilioCredentials(await secrets().get(fallback.secretId, { transform: 'json', maxAge: 300 })));
  return {
    name: 'twilio',
    notifier: new TwilioSmsNotifier({ apiUrl: fallback.apiUrl, from: fallback.from, credentials, post: options.post }),
  };
}
