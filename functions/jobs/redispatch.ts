// Every minute: pending requests are offered again and lapsed offers reclaimed (see shared/usecases/redispatch.ts).
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { loadConcerns, parseDatabase, parseDispatch, parseDynamodb, parseNotifier, parseRegion, parseTables } from '../../shared/config.js';
import { DynamoTechnicianIndex } from '../../shared/adapters/dynamodb/technician-index.js';
import { PostgresRequestStore } from '../../shared/adapters/postgres/request-store.js';
import { PostgresSyntheticNotificationLog } from '../../shared/adapters/postgres/synthetic-notifications.js';
import { PostgresTechnicianDirectory } from '../../shared/adapters/postgres/technician-directory.js';
import { systemClock } from '../../shared/adapters/system.js';
import { dynamo } from '../../shared/compose/dynamo.js';
import { notifier } from '../../shared/compose/notifier.js';
import { postgres } from '../../shared/compose/postgres.js';
import { logger } from '../../shared/powertools/logger.js';
import { metrics } from '../../shared/powertools/metrics.js';
import { scheduledJob } from '../../shared/powertools/scheduled-job.js';
import { redispatch, type RedispatchDeps } from '../../shared/usecases/redispatch.js';

export const makeHandler = (deps: RedispatchDeps) =>
  scheduledJob(async () => {
    const report = await redispatch(deps);
    metrics.addMetric('OffersReclaimed', MetricUnit.Count, report.reclaimed);
    metrics.addMetric('RedispatchAssigned', MetricUnit.Count, report.assigned);
    metrics.addMetric('RedispatchStillPending', MetricUnit.Count, report.stillPending);
    metrics.addMetric('RedispatchSearchQueries', MetricUnit.Count, report.searchQueries);
    return report;
  });

const config = loadConcerns({ region: parseRegion, database: parseDatabase, dynamodb: parseDynamodb, tables: parseTables, notifier: parseNotifier, dispatch: parseDispatch });
const pool = postgres(config);
export const handler = makeHandler({
  requests: new PostgresRequestStore(pool),
  directory: new PostgresTechnicianDirectory(pool),
  technicians: new DynamoTechnicianIndex(dynamo(config).documents, config.tables.locations),
  notifier: notifier(config, logger, new PostgresSyntheticNotificationLog(pool)),
  clock: systemClock,
  log: logger,
  dispatch: config.dispatch,
});
