// Notification continuity (README, "Notification continuity"): parsed only by the functions that text people.
import * as z from 'zod';
import { concern, field, optionalText, int, oneOf, at } from './concern.js';

export const smsConcern = concern(
  'sms',
  {
    SMS_MAX_ATTEMPTS: field(
      int(1),
      'SMS attempts per provider (SNS, then the fallback), each only if it still fits SMS_SEND_BUDGET_MS. Throttling, 5xx, timeouts and network errors are retried; a refusal goes straight to the fallback.',
      '3',
    ),
    SMS_RETRY_BASE_MS: field(
      int(),
      'Backoff before SMS retry n: a random wait up to this × 2^(n-1) (full jitter).',
      '100',
    ),
    SMS_ATTEMPT_TIMEOUT_MS: field(
      int(1),
      'One SMS attempt (SNS Publish or the fallback request) is abandoned after this long.',
      '400',
    ),
    SMS_SEND_BUDGET_MS: field(
      int(1),
      'Most time one SMS may take over retries, backoff and the fallback. Intake sends two inside DISPATCH_BUDGET_MS (3000), so 2 × this stays well under it.',
      '1200',
    ),
    SMS_FALLBACK_PROVIDER: field(
      oneOf(['none', 'twilio']),
      "Secondary SMS provider when SNS keeps failing: 'none' or 'twilio' (Programmable Messaging REST API).",
      'none',
    ),
    SMS_FALLBACK_API_URL: field(
      z.string().regex(/^https?:\/\/[^\s/]+$/, 'must be a scheme and host, such as https://api.twilio.com'),
      'Base URL of the fallback provider (tests point it at a local server).',
      'https://api.twilio.com',
    ),
    SMS_FALLBACK_FROM: field(
      optionalText,
      'Fallback sender: an E.164 number, or a Twilio Messaging Service SID (MG…).',
    ),
    SMS_FALLBACK_SECRET_ID: field(
      optionalText,
      'Secrets Manager secret (name or ARN) with the fallback credentials as JSON: {"accountSid", "authToken"} or {"accountSid", "apiKeySid", "apiKeySecret"}. Read when first needed, cached 5 minutes.',
    ),
  },
  (o) =>
    o
      .refine(
        (c) => c.SMS_FALLBACK_PROVIDER === 'none' || c.SMS_FALLBACK_FROM,
        at('SMS_FALLBACK_FROM', 'is required when SMS_FALLBACK_PROVIDER=twilio'),
      )
      .refine(
        (c) => c.SMS_FALLBACK_PROVIDER === 'none' || c.SMS_FALLBACK_SECRET_ID,
        at('SMS_FALLBACK_SECRET_ID', 'is required when SMS_FALLBACK_PROVIDER=twilio'),
      )
      // With a fallback, the primary keeps one whole attempt of the budget for it.
      .refine(
        (c) => c.SMS_SEND_BUDGET_MS >= c.SMS_ATTEMPT_TIMEOUT_MS * (c.SMS_FALLBACK_PROVIDER === 'none' ? 1 : 2),
        at('SMS_SEND_BUDGET_MS', 'must cover one SMS attempt per provider (SMS_ATTEMPT_TIMEOUT_MS each)'),
      )
      .transform((c) => ({
        retry: {
          maxAttempts: c.SMS_MAX_ATTEMPTS,
          retryBaseMs: c.SMS_RETRY_BASE_MS,
          attemptTimeoutMs: c.SMS_ATTEMPT_TIMEOUT_MS,
          budgetMs: c.SMS_SEND_BUDGET_MS,
        },
        fallback:
          c.SMS_FALLBACK_PROVIDER === 'twilio'
            ? ({
                kind: 'twilio',
                apiUrl: c.SMS_FALLBACK_API_URL,
                from: c.SMS_FALLBACK_FROM!,
                secretId: c.SMS_FALLBACK_SECRET_ID!,
              } as const)
            : ({ kind: 'none' } as const),
      })),
);
