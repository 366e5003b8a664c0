// Notification continuity as pure rules: when another SMS attempt is worth making within a message's time budget, and
// what operations are told when a message could not be delivered by any provider.
import { assessSeverity, severityPrefix } from './incident-severity.js';
import { maskPhone } from './incident-broadcast.js';

export interface SmsRetryPolicy {
  /** Attempts per provider (the first included), each only if it still fits the budget. */
  maxAttempts: number;
  /** The backoff before retry n is a random wait up to retryBaseMs × 2^(n-1) (full jitter). */
  retryBaseMs: number;
  /** One attempt is abandoned after this long. */
  attemptTimeoutMs: number;
  /** Most time one message may take over every attempt, backoff and the fallback together. */
  budgetMs: number;
}

/**
 * Full jitter ("Exponential Backoff And Jitter", AWS Architecture Blog): a random wait in [0, base × 2^(retry-1)), so
 * containers retrying the same throttled provider spread out instead of retrying in step. `random` is in [0, 1).
 */
export function backoffMs(retry: number, retryBaseMs: number, random: number): number {
  return Math.floor(random * retryBaseMs * 2 ** (retry - 1));
}

export interface AttemptPlan {
  /** Wait this long first (0 for a provider's first attempt). */
  waitMs: number;
  /** Then give the attempt at most this long. */
  timeoutMs: number;
}

/**
 * Attempt `attempt` (1-based) of one provider, or undefined when it must not be made: the provider had its attempts,
 * or the backoff plus a whole attempt would not end before the budget minus `reserveMs` (time kept for the fallback).
 * The first attempt of a provider always runs if any time is left, with whatever is left, so a fallback is never
 * skipped because the primary ate its margin exactly.
 */
export function planAttempt(
  policy: SmsRetryPolicy,
  attempt: number,
  elapsedMs: number,
  reserveMs: number,
  random: number,
): AttemptPlan | undefined {
  if (attempt > policy.maxAttempts) return undefined;
  const left = policy.budgetMs - reserveMs - elapsedMs;
  if (attempt === 1) return left > 0 ? { waitMs: 0, timeoutMs: Math.min(policy.attemptTimeoutMs, left) } : undefined;
  const waitMs = backoffMs(attempt - 1, policy.retryBaseMs, random);
  if (waitMs + policy.attemptTimeoutMs > left) return undefined;
  return { waitMs, timeoutMs: policy.attemptTimeoutMs };
}

export interface UndeliveredSms {
  purpose: string;
  to: string;
  requestId?: string;
  /** Each provider tried and how its last attempt failed, in order. */
  failures: Array<{ provider: string; attempts: number; error: string }>;
  elapsedMs: number;
}

/**
 * The operations alert for a message nobody received: enough to phone the customer or technician back from the
 * console (the request id, the masked number), never the whole number, which the alert e-mail would spread.
 */
export function undeliveredAlert(u: UndeliveredSms): { subject: string; text: string } {
  // One person did not hear about their emergency; the SMS path itself is failing, so the service is degraded.
  const severity = assessSeverity({
    service: 'degraded',
    affectedCustomers: 1,
    dataIntegrityFailure: false,
    security: 'none',
    queueLength: 0,
  });
  const tried = u.failures
    .map((f) => `${f.provider} (${f.attempts} attempt${f.attempts === 1 ? '' : 's'}: ${f.error})`)
    .join('; then ');
  return {
    subject: `${severityPrefix(severity)} TyreHero SMS not delivered: ${u.purpose}`,
    text: [
      `A ${u.purpose} SMS to ${maskPhone(u.to)}${u.requestId ? ` about request ${u.requestId}` : ''} was not delivered after ${u.elapsedMs} ms.`,
      `Tried: ${tried}.`,
      'Contact them another way (ops console, phone) and check the SMS providers.',
    ].join('\n'),
  };
}
