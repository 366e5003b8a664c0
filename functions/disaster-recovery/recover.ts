// Console: puts back requests the audit trail, intake buffer or intake journal has but PostgreSQL lacks ({"dryRun": false, "operator": "…"} to run).
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { loadConcerns } from '#shared/config/concern.js';
import { dataProtectionConcern } from '#shared/config/data-protection.js';
import { databaseConcern } from '#shared/config/database.js';
import { dynamodbConcern } from '#shared/config/dynamodb.js';
import { notifierConcern } from '#shared/config/notifier.js';
import { regionConcern } from '#shared/config/region.js';
import { tablesConcern } from '#shared/config/tables.js';
import { DynamoIntakeBuffer, DynamoIntakeJournal } from '#shared/adapters/dynamodb/intake-buffer.js';
import { PostgresDrRunLog, PostgresRecoveryStore } from '#shared/adapters/postgres/recovery-store.js';
import { PostgresRequestStore } from '#shared/adapters/postgres/request-store.js';
import { PostgresSyntheticNotificationLog } from '#shared/adapters/postgres/synthetic-notifications.js';
import { randomIds, systemClock } from '#shared/adapters/system.js';
import { dynamo } from '#shared/compose/dynamo.js';
import { notifier } from '#shared/compose/notifier.js';
import { makePhoneProtection } from '#shared/compose/phones.js';
import { postgres } from '#shared/compose/postgres.js';
import { logger } from '#shared/powertools/logger.js';
import { metrics } from '#shared/powertools/metrics.js';
import { scheduledJob } from '#shared/powertools/scheduled-job.js';
import { drainIntakeBuffer, settleIntakeJournal } from '#functions/intake/index.js';
import { parseRecoverInput, recoverRequests, type RecoverDeps } from './dr-recover.js';

export const makeHandler = (deps: RecoverDeps) =>
  scheduledJob(async (event: unknown) => {
    const report = await recoverRequests(deps, parseRecoverInput(event));
    if (report.result)
      metrics.addMetric(
        'RequestsRecovered',
        MetricUnit.Count,
        report.result.replayedFromAudit + report.result.buffer.replayed + report.result.journal.restored,
      );
    return report;
  });

const config = loadConcerns([
  regionConcern,
  databaseConcern,
  dynamodbConcern,
  tablesConcern,
  notifierConcern,
  dataProtectionConcern,
]);
const pool = postgres(config);
const { documents } = dynamo(config);
const recoverDeps = {
  recovery: new PostgresRecoveryStore(pool),
  drRuns: new PostgresDrRunLog(pool),
  // Buffered intakes are stored as every intake is: the phone number sealed, with its look-up hash.
  requests: new PostgresRequestStore(pool, makePhoneProtection(config)),
  intakeBuffer: new DynamoIntakeBuffer(documents, config.tables.intakeBuffer),
  journal: new DynamoIntakeJournal(documents, config.tables.intakeBuffer),
  notifier: notifier(config, logger, new PostgresSyntheticNotificationLog(pool)),
  clock: systemClock,
  ids: randomIds,
  log: logger,
};
export const handler = makeHandler({
  ...recoverDeps,
  drainIntakeBuffer(this: typeof recoverDeps) {
    return drainIntakeBuffer(this);
  },
  settleIntakeJournal(this: typeof recoverDeps) {
    return settleIntakeJournal(this);
  },
});
