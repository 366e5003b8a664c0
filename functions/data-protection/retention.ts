// Scheduled daily: anonymises requests closed more than RETENTION_DAYS ago (sls invoke local -f retention to run it).
import { loadConcerns } from '#shared/config/concern.js';
import { dataProtectionConcern } from '#shared/config/data-protection.js';
import { databaseConcern } from '#shared/config/database.js';
import { activeRegionConcern } from '#shared/config/active-region.js';
import { dynamodbConcern } from '#shared/config/dynamodb.js';
import { regionConcern } from '#shared/config/region.js';
import { tablesConcern } from '#shared/config/tables.js';
import { PostgresPersonalData } from '#shared/adapters/postgres/personal-data.js';
import { PostgresRequestStore } from '#shared/adapters/postgres/request-store.js';
import { systemClock } from '#shared/adapters/system.js';
import { regionRole } from '#shared/compose/active-region.js';
import { dynamo } from '#shared/compose/dynamo.js';
import { postgres } from '#shared/compose/postgres.js';
import { withoutPhones } from '#shared/compose/phones.js';
import { logger } from '#shared/powertools/logger.js';
import { scheduledJob, type ActiveRegionOnly } from '#shared/powertools/scheduled-job.js';
import { applyRetention, type RetentionDeps } from './personal-data.js';

export const makeHandler = (deps: RetentionDeps & ActiveRegionOnly) =>
  scheduledJob(async () => applyRetention(deps), deps);

const config = loadConcerns([
  regionConcern,
  databaseConcern,
  dataProtectionConcern,
  dynamodbConcern,
  tablesConcern,
  activeRegionConcern,
]);
const pool = postgres(config);
export const handler = makeHandler({
  // Retention anonymises by closing date in SQL: it never reads, seals or looks up a number (its role has no phone key).
  personalData: new PostgresPersonalData(pool, new PostgresRequestStore(pool, withoutPhones)),
  phones: withoutPhones,
  clock: systemClock,
  log: logger,
  retentionDays: config.dataProtection.retentionDays,
  // Only the active-region record is read from DynamoDB.
  regionRole: regionRole(config, dynamo(config).documents),
});
