// Builders for data protection and abuse limits (phone sealing, rate counters, the SMS guard), kept apart from
// the other builders so each function's composition root takes only what it uses.
import { KMSClient } from '@aws-sdk/client-kms';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type pg from 'pg';
import type { Config } from '../config.js';
import { EnvelopePhoneProtection, KmsDataKeys, KmsHmac, LocalDataKeys, LocalHmac } from '../adapters/crypto/envelope-phone-protection.js';
import { DynamoRateCounter } from '../adapters/dynamodb/rate-counter.js';
import { GuardedNotifier } from '../adapters/notifications/guarded-notifier.js';
import { PostgresNotificationLog } from '../adapters/postgres/notification-log.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/logger.js';
import type { Notifier } from '../ports/notifier.js';
import type { PhoneProtection } from '../ports/phone-protection.js';
import type { RateCounter } from '../ports/rate-counter.js';
import { metrics } from '../powertools/metrics.js';

/** One per container: the KMS data key it generates is cached inside, so a warm container makes no KMS call to seal. */
export function makePhoneProtection(config: Pick<Config, 'dataProtection' | 'region'>, kms?: KMSClient): PhoneProtection {
  const phones = config.dataProtection.phones;
  if (phones.kind === 'local') {
    const key = Buffer.from(phones.key, 'hex');
    return new EnvelopePhoneProtection(new LocalDataKeys(key), new LocalHmac(key));
  }
  const client = kms ?? new KMSClient({ region: config.region });
  return new EnvelopePhoneProtection(new KmsDataKeys(client, phones.dataKeyId), new KmsHmac(client, phones.hashKeyId));
}

export function makeRateCounter(documents: DynamoDBDocumentClient, config: Pick<Config, 'tables'>): RateCounter {
  return new DynamoRateCounter(documents, config.tables.rateLimits);
}

export function guardSms(
  inner: Notifier,
  parts: { pool: pg.Pool; phones: PhoneProtection; rateLimits: RateCounter; clock: Clock; log: Log; config: Pick<Config, 'dataProtection'> },
): Notifier {
  return new GuardedNotifier(inner, {
    phones: parts.phones,
    rateLimits: parts.rateLimits,
    sent: new PostgresNotificationLog(parts.pool),
    clock: parts.clock,
    log: parts.log,
    count: (metric) => metrics.addMetric(metric, MetricUnit.Count, 1),
    smsLimitPerDestinationHour: parts.config.dataProtection.smsLimitPerDestinationHour,
  });
}

/**
 * For a function that stores or reads no customer phone number (the health checks only ping and count): its role has
 * no phone key, so any use is a defect and says so rather than failing on KMS permissions.
 */
export const withoutPhones: PhoneProtection = {
  lookupHash: () => Promise.reject(new Error('this function handles no phone numbers')),
  seal: () => Promise.reject(new Error('this function handles no phone numbers')),
  open: () => Promise.reject(new Error('this function handles no phone numbers')),
};
