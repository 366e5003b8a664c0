// Every minute: move emergencies held during a database outage into the system of record.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { loadConcerns } from '#shared/config/concern.js';
import { dataProtectionConcern } from '#shared/config/data-protection.js';
import { databaseConcern } from '#shared/config/database.js';
import { dynamodbConcern } from '#shared/config/dynamodb.js';
import { activeRegionConcern } from '#shared/config/active-region.js';
import { regionConcern } from '#shared/config/region.js';
import { tablesConcern } from '#shared/config/tables.js';
import { DynamoIntakeBuffer, DynamoIntakeJournal } from '#shared/adapters/dynamodb/intake-buffer.js';
import { PostgresRecoveryStore } from '#shared/adapters/postgres/recovery-store.js';
import { systemClock } from '#shared/adapters/system.js';
import { PostgresRequestStore } from '#shared/adapters/postgres/request-store.js';
import { regionRole } from '#shared/compose/active-region.js';
import { dynamo } from '#shared/compose/dynamo.js';
import { postgres } from '#shared/compose/postgres.js';
import { makePhoneProtection } from '#shared/compose/phones.js';
import { logger } from '#shared/powertools/logger.js';
import { metrics } from '#shared/powertools/metrics.js';
import { scheduledJob, type ActiveRegionOnly } from '#shared/powertools/scheduled-job.js';
import { drainIntakeBuffer, type DrainDeps } from './drain-intake-buffer.js';
import { settleIntakeJournal, type SettleJournalDeps } from './settle-journal.js';

export const makeHandler = (deps: DrainDeps & SettleJournalDeps & ActiveRegionOnly) =>
  scheduledJob(async () => {
    const report = await drainIntakeBuffer(deps);
    // Puts back anything acknowledged that the database lacks (after a failover), and forgets copies kept long enough.
    const journal = await settleIntakeJournal(deps);
    metrics.addMetric('JournalIntakesRestored', MetricUnit.Count, journal.restored);
    metrics.addMetric('BufferedEmergenciesReplayed', MetricUnit.Count, report.replayed);
    // Emergencies waiting undispatched in the buffer: resources/alarms.yml pages while it stays above zero.
    metrics.addMetric('IntakeBufferDepth', MetricUnit.Count, report.leftInBuffer);
    return { ...report, journal };
  }, deps);

const config = loadConcerns([
  regionConcern,
  databaseConcern,
  dynamodbConcern,
  tablesConcern,
  dataProtectionConcern,
  activeRegionConcern,
]);
const { documents } = dynamo(config);
const pool = postgres(config);
export const handler = makeHandler({
  requests: new PostgresRequestStore(pool, makePhoneProtection(config)),
  intakeBuffer: new DynamoIntakeBuffer(documents, config.tables.intakeBuffer),
  journal: new DynamoIntakeJournal(documents, config.tables.intakeBuffer),
  recovery: new PostgresRecoveryStore(pool),
  clock: systemClock,
  regionRole: regionRole(config, documents),
  log: logger,
});
