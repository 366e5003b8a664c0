// Builders for abuse limits (rate counters, the SMS guard): kept apart from the phone protection (./phones.ts) and the
// other builders so each function's composition root takes only what it uses.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type pg from 'pg';
import type { CoreConfig } from '#shared/config/core.js';
import { DynamoRateCounter } from '#shared/adapters/dynamodb/rate-counter.js';
import { GuardedNotifier } from '#shared/adapters/notifications/guarded-notifier.js';
import { PostgresNotificationLog } from '#shared/adapters/postgres/notification-log.js';
import type { Clock } from '#shared/ports/clock.js';
import type { Log } from '#shared/ports/logger.js';
import type { Notifier } from '#shared/ports/notifier.js';
import type { PhoneProtection } from '#shared/ports/phone-protection.js';
import type { RateCounter } from '#shared/ports/rate-counter.js';
import { metrics } from '#shared/powertools/metrics.js';

export function makeRateCounter(documents: DynamoDBDocumentClient, config: Pick<CoreConfig, 'tables'>): RateCounter {
  return new DynamoRateCounter(documents, config.tables.rateLimits);
}

export function guardSms(
  inner: Notifier,
  parts: {
    pool: pg.Pool;
    phones: PhoneProtection;
    rateLimits: RateCounter;
    clock: Clock;
    log: Log;
    config: Pick<CoreConfig, 'dataProtection'>;
  },
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
