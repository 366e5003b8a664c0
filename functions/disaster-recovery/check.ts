// Every 5 minutes and from the console: is disaster recovery ready? Publishes DrCheckFailed and the lag figures.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { loadConcerns } from '#shared/config/concern.js';
import { databaseConcern } from '#shared/config/database.js';
import { dynamodbConcern } from '#shared/config/dynamodb.js';
import { notifierConcern } from '#shared/config/notifier.js';
import { regionConcern } from '#shared/config/region.js';
import { tablesConcern } from '#shared/config/tables.js';
import { drConcern } from './config.js';
import { DynamoIntakeBuffer } from '#shared/adapters/dynamodb/intake-buffer.js';
import { PostgresRecoveryStore } from '#shared/adapters/postgres/recovery-store.js';
import { PostgresRequestStore } from '#shared/adapters/postgres/request-store.js';
import { PostgresSyntheticNotificationLog } from '#shared/adapters/postgres/synthetic-notifications.js';
import { systemClock } from '#shared/adapters/system.js';
import { controlPlane } from './compose.js';
import { dynamo } from '#shared/compose/dynamo.js';
import { notifier } from '#shared/compose/notifier.js';
import { withoutPhones } from '#shared/compose/phones.js';
import { postgres } from '#shared/compose/postgres.js';
import { logger } from '#shared/powertools/logger.js';
import { metrics } from '#shared/powertools/metrics.js';
import { scheduledJob } from '#shared/powertools/scheduled-job.js';
import { checkDisasterRecovery, type DrCheckDeps } from './dr-check.js';

export const makeHandler = (deps: DrCheckDeps) =>
  scheduledJob(async () => {
    const report = await checkDisasterRecovery(deps);
    metrics.addMetric('DrCheckFailed', MetricUnit.Count, report.status === 'fail' ? 1 : 0);
    const lag = report.checks.find((c) => c.name === 'replication-lag')?.observed;
    if (typeof lag?.replicationLagSeconds === 'number')
      metrics.addMetric('ReplicationLagSeconds', MetricUnit.Seconds, lag.replicationLagSeconds);
    if (typeof lag?.rpoLagSeconds === 'number')
      metrics.addMetric('RpoLagSeconds', MetricUnit.Seconds, lag.rpoLagSeconds);
    if (report.rpoEstimate.seconds !== null)
      metrics.addMetric('RpoEstimateSeconds', MetricUnit.Seconds, report.rpoEstimate.seconds);
    return report;
  });

const config = loadConcerns([
  regionConcern,
  databaseConcern,
  dynamodbConcern,
  tablesConcern,
  notifierConcern,
  drConcern,
]);
const pool = postgres(config);
export const handler = makeHandler({
  dr: config.dr,
  controlPlane: controlPlane(config),
  tableNames: Object.values(config.tables),
  recovery: new PostgresRecoveryStore(pool),
  // Only counts pending requests: no phone number is read, so the role has no phone key.
  requests: new PostgresRequestStore(pool, withoutPhones),
  intakeBuffer: new DynamoIntakeBuffer(dynamo(config).documents, config.tables.intakeBuffer),
  notifier: notifier(config, logger, new PostgresSyntheticNotificationLog(pool)),
  clock: systemClock,
  log: logger,
});
