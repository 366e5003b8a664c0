// Notification continuity: an SMS is retried with bounded, jittered backoff, handed to a secondary provider when SNS
// keeps failing, and, if no provider takes it, counted (NotificationUndelivered, alarmed) and reported to operations.
// Operations messages never go through the SMS path: they use their own notifier, so a failing SMS path cannot stop them.
import { planAttempt, undeliveredAlert, type SmsRetryPolicy } from '#shared/domain/sms-continuity.js';
import { maskPhone } from '#shared/domain/incident-broadcast.js';
import type { Clock } from '#shared/ports/clock.js';
import type { Log } from '#shared/ports/logger.js';
import { SendFailed, type Notification, type Notifier, type SendOptions } from '#shared/ports/notifier.js';

export type ContinuityMetric = 'SmsSentByFallback' | 'NotificationUndelivered';

export interface SmsProvider {
  /** Named in logs and in the operations alert. */
  name: string;
  notifier: Notifier;
}

export interface SmsContinuityDeps {
  primary: SmsProvider;
  fallback?: SmsProvider;
  /** The operations topic, on a path of its own. */
  operations: Notifier;
  policy: SmsRetryPolicy;
  clock: Clock;
  /** The backoff; tests record it instead of waiting. */
  sleep: (ms: number) => Promise<void>;
  /** In [0, 1): the jitter. */
  random: () => number;
  /** Aborts one attempt after its time (AbortSignal.timeout in Lambda). */
  timeoutSignal: (ms: number) => AbortSignal;
  count: (metric: ContinuityMetric) => void;
  log: Log;
}

/** No provider took the message: operations were told (or at least the alarmed metric was counted). */
export class NotificationUndelivered extends Error {
  constructor(purpose: string) {
    super(`${purpose} SMS not delivered by any provider`);
    this.name = 'NotificationUndelivered';
  }
}

/**
 * Whether trying the same provider again may work. Throttling, server faults, timeouts and a request that got no
 * answer may pass next time; a refusal (bad number, no permission, opted out) will not, and goes to the fallback.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof SendFailed) return error.transient;
  if (!(error instanceof Error)) return false;
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return true;
  const sdk = error as Error & { $fault?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  const status = sdk.$metadata?.httpStatusCode;
  if (sdk.$retryable || sdk.$fault === 'server' || status === 429 || (status !== undefined && status >= 500))
    return true;
  if (/Throttl|TooManyRequests/.test(error.name)) return true;
  // An SDK client fault is a refusal; an error with no fault at all is the network (reset, DNS), which may pass.
  return sdk.$fault !== 'client';
}

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/** Rejects when the signal aborts, so an attempt is bounded even if an adapter ignored the signal. */
function whenAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () =>
      reject(signal.reason instanceof Error ? signal.reason : new SendFailed('attempt timed out', true));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

export class SmsContinuityNotifier implements Notifier {
  constructor(private readonly deps: SmsContinuityDeps) {}

  async send(n: Notification, options?: SendOptions): Promise<void> {
    if (n.channel !== 'sms') return this.deps.operations.send(n, options);
    const { deps } = this;
    const started = deps.clock.now().getTime();
    const elapsed = () => deps.clock.now().getTime() - started;
    const failures: Array<{ provider: string; attempts: number; error: string }> = [];
    const providers = deps.fallback ? [deps.primary, deps.fallback] : [deps.primary];
    for (const [index, provider] of providers.entries()) {
      // The primary keeps one whole attempt of the budget for the fallback.
      const reserveMs = index === 0 && deps.fallback ? deps.policy.attemptTimeoutMs : 0;
      let attempts = 0;
      let lastError: unknown;
      for (let attempt = 1; ; attempt++) {
        const plan = planAttempt(deps.policy, attempt, elapsed(), reserveMs, deps.random());
        if (!plan) break;
        if (plan.waitMs > 0) await deps.sleep(plan.waitMs);
        attempts++;
        try {
          const signal = deps.timeoutSignal(plan.timeoutMs);
          await Promise.race([provider.notifier.send(n, { signal }), whenAborted(signal)]);
          if (index > 0) {
            deps.count('SmsSentByFallback');
            deps.log.warn('SMS sent by the fallback provider', {
              purpose: n.purpose,
              requestId: n.requestId,
              provider: provider.name,
              failures,
            });
          }
          return;
        } catch (error) {
          lastError = error;
          deps.log.warn('SMS attempt failed', {
            purpose: n.purpose,
            requestId: n.requestId,
            provider: provider.name,
            attempt,
            error: describe(error),
          });
          if (!isTransient(error)) break;
        }
      }
      failures.push({
        provider: provider.name,
        attempts,
        error: attempts === 0 ? 'no attempt fitted the budget' : describe(lastError),
      });
    }
    await this.reportUndelivered(n, failures, elapsed());
  }

  private async reportUndelivered(
    n: Extract<Notification, { channel: 'sms' }>,
    failures: Array<{ provider: string; attempts: number; error: string }>,
    elapsedMs: number,
  ): Promise<never> {
    const { deps } = this;
    // Counted first: the metric's alarm is the path that still works when the operations topic does not.
    deps.count('NotificationUndelivered');
    deps.log.error('SMS not delivered by any provider', {
      purpose: n.purpose,
      requestId: n.requestId,
      to: maskPhone(n.to),
      failures,
      elapsedMs,
    });
    const alert = undeliveredAlert({ purpose: n.purpose, to: n.to, requestId: n.requestId, failures, elapsedMs });
    try {
      await deps.operations.send(
        { channel: 'operations', purpose: 'notification-undelivered', ...alert },
        { signal: deps.timeoutSignal(deps.policy.attemptTimeoutMs) },
      );
    } catch (error) {
      deps.log.error(
        'could not alert operations about an undelivered SMS; the NotificationUndelivered alarm still fires',
        { purpose: n.purpose, requestId: n.requestId, error: describe(error) },
      );
    }
    throw new NotificationUndelivered(n.purpose);
  }
}
