// Invoked by operations during an incident: {"incidentId": "INC-…"} lists recipients; add "send": true to text them.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { loadConcerns } from '#shared/config/concern.js';
import { dataProtectionConcern } from '#shared/config/data-protection.js';
import { databaseConcern } from '#shared/config/database.js';
import { dynamodbConcern } from '#shared/config/dynamodb.js';
import { notifierConcern } from '#shared/config/notifier.js';
import { regionConcern } from '#shared/config/region.js';
import { smsConcern } from '#shared/config/sms.js';
import { tablesConcern } from '#shared/config/tables.js';
import { PostgresIncidentBroadcasts } from '#shared/adapters/postgres/incident-broadcasts.js';
import { PostgresSyntheticNotificationLog } from '#shared/adapters/postgres/synthetic-notifications.js';
import { systemClock } from '#shared/adapters/system.js';
import { dynamo } from '#shared/compose/dynamo.js';
import { notifier } from '#shared/compose/notifier.js';
import { smsContinuity } from '#shared/compose/sms-continuity.js';
import { makePhoneProtection } from '#shared/compose/phones.js';
import { guardSms, makeRateCounter } from '#shared/compose/protection.js';
import { postgres } from '#shared/compose/postgres.js';
import { logger } from '#shared/powertools/logger.js';
import { metrics } from '#shared/powertools/metrics.js';
import { scheduledJob } from '#shared/powertools/scheduled-job.js';
import { broadcastIncident, parseBroadcastRequest, type BroadcastDeps } from './broadcast-incident.js';

export const makeHandler = (deps: BroadcastDeps) =>
  scheduledJob(async (event: unknown) => {
    const report = await broadcastIncident(deps, parseBroadcastRequest(event));
    if (!report.dryRun) {
      metrics.addMetric('IncidentBroadcastSent', MetricUnit.Count, report.sent);
      metrics.addMetric('IncidentBroadcastFailed', MetricUnit.Count, report.failed.length);
    }
    return report;
  });

const config = loadConcerns([
  regionConcern,
  databaseConcern,
  dynamodbConcern,
  tablesConcern,
  notifierConcern,
  smsConcern,
  dataProtectionConcern,
]);
const pool = postgres(config);
const phones = makePhoneProtection(config);
export const handler = makeHandler({
  broadcasts: new PostgresIncidentBroadcasts(pool, phones),
  notifier: notifier(config, logger, new PostgresSyntheticNotificationLog(pool), {
    real: smsContinuity(config, logger),
    guard: (outbound) =>
      guardSms(outbound, {
        pool,
        phones,
        rateLimits: makeRateCounter(dynamo(config).documents, config),
        clock: systemClock,
        log: logger,
        config,
      }),
  }),
  clock: systemClock,
  log: logger,
});
