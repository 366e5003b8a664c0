// Data protection (README, "Data protection"): how phone numbers are sealed at rest, abuse limits, retention.
import * as z from 'zod';
import { concern, field, optionalText, int, oneOf, at } from './concern.js';

export const dataProtectionConcern = concern(
  'dataProtection',
  {
    PHONE_PROTECTION: field(
      oneOf(['local', 'kms']),
      "How customer phone numbers are sealed at rest: 'kms' (KMS data key + AES-256-GCM, KMS HMAC for look-ups; every AWS stage) or 'local' (PHONE_LOCAL_KEY; local stack and tests only).",
      'local',
    ),
    PHONE_LOCAL_KEY: field(
      z.string().regex(/^[0-9a-f]{64}$/i, 'must be 64 hex digits'),
      '64 hex digits: the AES and HMAC key of PHONE_PROTECTION=local. The default is public: never for real data.',
      '6c6f63616c2d6f6e6c792d6b65792d646f2d6e6f742d7573652d696e2d617773',
    ),
    PHONE_DATA_KEY_ID: field(
      optionalText,
      'KMS key (id, ARN or alias) that data keys for phone numbers are generated under (PHONE_PROTECTION=kms).',
    ),
    PHONE_HASH_KEY_ID: field(optionalText, 'KMS HMAC_256 key for the phone look-up hash (PHONE_PROTECTION=kms).'),
    INTAKE_LIMIT_PER_PHONE_HOUR: field(
      int(1),
      'Requests one phone number may open in any hour (counted with the intake, in PostgreSQL); the next is answered 429 (with a call-999 reminder).',
      '5',
    ),
    SMS_LIMIT_PER_DESTINATION_HOUR: field(
      int(1),
      'SMS sent to one number in any hour (counted in the record of customer messages); beyond it messages are dropped and counted (SMS pumping guard).',
      '10',
    ),
    RETENTION_DAYS: field(
      int(1),
      'Requests closed (completed or cancelled) longer ago than this are anonymised by the daily retention job.',
      '30',
    ),
  },
  (o) =>
    o
      .refine(
        (c) => c.PHONE_PROTECTION === 'local' || (c.PHONE_DATA_KEY_ID && c.PHONE_HASH_KEY_ID),
        at('PHONE_PROTECTION', 'kms needs PHONE_DATA_KEY_ID and PHONE_HASH_KEY_ID'),
      )
      .transform((c) => ({
        phones:
          c.PHONE_PROTECTION === 'kms'
            ? ({ kind: 'kms', dataKeyId: c.PHONE_DATA_KEY_ID!, hashKeyId: c.PHONE_HASH_KEY_ID! } as const)
            : ({ kind: 'local', key: c.PHONE_LOCAL_KEY } as const),
        intakeLimitPerPhoneHour: c.INTAKE_LIMIT_PER_PHONE_HOUR,
        smsLimitPerDestinationHour: c.SMS_LIMIT_PER_DESTINATION_HOUR,
        retentionDays: c.RETENTION_DAYS,
      })),
);
