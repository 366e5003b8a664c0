import { describe, expect, it } from 'vitest';
import { loadConcerns } from '#shared/config/concern.js';
import { intakeConcern } from '#shared/config/intake.js';
import { smsConcern } from '#shared/config/sms.js';
import { backoffMs, planAttempt, undeliveredAlert, type SmsRetryPolicy } from '#shared/domain/sms-continuity.js';

const policy: SmsRetryPolicy = { maxAttempts: 3, retryBaseMs: 100, attemptTimeoutMs: 400, budgetMs: 1200 };

describe('backoffMs (full jitter)', () => {
  it.each([
    { retry: 1, random: 0, ms: 0 },
    { retry: 1, random: 0.5, ms: 50 },
    { retry: 1, random: 0.999, ms: 99 },
    { retry: 2, random: 0.5, ms: 100 },
    { retry: 2, random: 0.999, ms: 199 },
    { retry: 3, random: 0.999, ms: 399 },
  ])('waits $ms ms before retry $retry at random $random', ({ retry, random, ms }) => {
    expect(backoffMs(retry, 100, random)).toBe(ms);
  });
});

describe('planAttempt', () => {
  it.each([
    { why: 'first attempt, whole budget', attempt: 1, elapsed: 0, reserve: 0, plan: { waitMs: 0, timeoutMs: 400 } },
    {
      why: 'first attempt of the fallback with less than a timeout left gets what is left',
      attempt: 1,
      elapsed: 1000,
      reserve: 0,
      plan: { waitMs: 0, timeoutMs: 200 },
    },
    { why: 'first attempt with nothing left', attempt: 1, elapsed: 1200, reserve: 0, plan: undefined },
    { why: 'a retry that fits', attempt: 2, elapsed: 50, reserve: 400, plan: { waitMs: 50, timeoutMs: 400 } },
    { why: 'a retry that would eat the fallback’s reserve', attempt: 2, elapsed: 400, reserve: 400, plan: undefined },
    {
      why: 'the third retry after fast failures',
      attempt: 3,
      elapsed: 100,
      reserve: 400,
      plan: { waitMs: 100, timeoutMs: 400 },
    },
    { why: 'beyond the attempts', attempt: 4, elapsed: 0, reserve: 0, plan: undefined },
  ])('$why', ({ attempt, elapsed, reserve, plan }) => {
    expect(planAttempt(policy, attempt, elapsed, reserve, 0.5)).toEqual(plan);
  });

  it('never plans an attempt that could end after the budget, whatever the jitter and the elapsed time', () => {
    for (const random of [0, 0.3, 0.999])
      for (let elapsed = 0; elapsed <= 1300; elapsed += 37)
        for (const attempt of [2, 3]) {
          const plan = planAttempt(policy, attempt, elapsed, 0, random);
          if (plan) expect(elapsed + plan.waitMs + plan.timeoutMs).toBeLessThanOrEqual(policy.budgetMs);
        }
  });
});

describe('undeliveredAlert', () => {
  it('names the purpose, the request, the masked number and what each provider said, never the whole number', () => {
    const alert = undeliveredAlert({
      purpose: 'customer-assigned',
      to: '+447700900123',
      requestId: 'r-1',
      failures: [
        { provider: 'sns', attempts: 3, error: 'InternalErrorException: boom' },
        { provider: 'twilio', attempts: 1, error: 'SendFailed: Twilio answered HTTP 503: down' },
      ],
      elapsedMs: 812,
    });
    expect(alert).toEqual({
      subject: '[P3] TyreHero SMS not delivered: customer-assigned',
      text: [
        'A customer-assigned SMS to +44*******123 about request r-1 was not delivered after 812 ms.',
        'Tried: sns (3 attempts: InternalErrorException: boom); then twilio (1 attempt: SendFailed: Twilio answered HTTP 503: down).',
        'Contact them another way (ops console, phone) and check the SMS providers.',
      ].join('\n'),
    });
    expect(alert.text).not.toContain('900123');
  });
});

describe('SMS continuity settings', () => {
  it('keeps two SMS (intake texts the customer and the technician) inside the 3 s dispatch budget with room for the database', () => {
    const { sms, intake } = loadConcerns([smsConcern, intakeConcern], {});
    expect(sms.retry).toEqual({ maxAttempts: 3, retryBaseMs: 100, attemptTimeoutMs: 400, budgetMs: 1200 });
    expect(intake.dispatchBudgetMs).toBe(3000);
    expect(2 * sms.retry.budgetMs).toBeLessThanOrEqual(intake.dispatchBudgetMs - 500);
    expect(sms.fallback).toEqual({ kind: 'none' });
  });

  it('reads a Twilio fallback and refuses one without its sender, its secret or room for its attempt', () => {
    const twilio = {
      SMS_FALLBACK_PROVIDER: 'twilio',
      SMS_FALLBACK_FROM: '+447700900999',
      SMS_FALLBACK_SECRET_ID: 'tyrehero-dispatch/prod/sms-fallback',
    };
    expect(loadConcerns([smsConcern], twilio).sms.fallback).toEqual({
      kind: 'twilio',
      apiUrl: 'https://api.twilio.com',
      from: '+447700900999',
      secretId: 'tyrehero-dispatch/prod/sms-fallback',
    });
    expect(() => loadConcerns([smsConcern], { ...twilio, SMS_FALLBACK_FROM: '' })).toThrow(
      'SMS_FALLBACK_FROM is required when SMS_FALLBACK_PROVIDER=twilio',
    );
    expect(() => loadConcerns([smsConcern], { ...twilio, SMS_FALLBACK_SECRET_ID: '' })).toThrow(
      'SMS_FALLBACK_SECRET_ID is required when SMS_FALLBACK_PROVIDER=twilio',
    );
    expect(() => loadConcerns([smsConcern], { ...twilio, SMS_SEND_BUDGET_MS: '700' })).toThrow(
      'SMS_SEND_BUDGET_MS must cover one SMS attempt per provider',
    );
    expect(() => loadConcerns([smsConcern], { SMS_FALLBACK_API_URL: 'https://api.twilio.com/2010-04-01' })).toThrow(
      'SMS_FALLBACK_API_URL must be a scheme and host',
    );
  });
});
