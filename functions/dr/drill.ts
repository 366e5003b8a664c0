// Console and monthly schedule: a synthetic emergency end to end on the test fleet ({"dryRun": false, "operator": "…"}; {"history": true} lists drills).
import { loadConcerns, databaseConcern, dataProtectionConcern, dispatchConcern, dynamodbConcern, geocoderConcern, intakeConcern, notifierConcern, regionConcern, tablesConcern } from '../../shared/config.js';
import { DynamoIntakeBuffer } from '../../shared/adapters/dynamodb/intake-buffer.js';
import { DynamoTechnicianIndex } from '../../shared/adapters/dynamodb/technician-index.js';
import { DynamoWeatherLevelReader } from '../../shared/adapters/dynamodb/weather-level.js';
import { PostgresDrRunLog } from '../../shared/adapters/postgres/recovery-store.js';
import { PostgresRequestStore } from '../../shared/adapters/postgres/request-store.js';
import { PostgresSyntheticNotificationLog } from '../../shared/adapters/postgres/synthetic-notifications.js';
import { PostgresTechnicianDirectory } from '../../shared/adapters/postgres/technician-directory.js';
import { PostgresTestFleet } from '../../shared/adapters/postgres/test-fleet.js';
import { randomIds, systemClock } from '../../shared/adapters/system.js';
import { dynamo } from '../../shared/compose/dynamo.js';
import { geocoder } from '../../shared/compose/geocoder.js';
import { notifier } from '../../shared/compose/notifier.js';
import { makePhoneProtection } from '../../shared/compose/phones.js';
import { guardSms, makeRateCounter } from '../../shared/compose/protection.js';
import { postgres } from '../../shared/compose/postgres.js';
import { logger } from '../../shared/powertools/logger.js';
import { scheduledJob } from '../../shared/powertools/scheduled-job.js';
import { parseDrillInput, runDrill, type DrillDeps } from '../../shared/usecases/dr-drill.js';

export const makeHandler = (deps: DrillDeps) => scheduledJob(async (event: unknown) => runDrill(deps, parseDrillInput(event)));

const config = loadConcerns({ region: regionConcern, database: databaseConcern, dynamodb: dynamodbConcern, tables: tablesConcern, geocoder: geocoderConcern, notifier: notifierConcern, intake: intakeConcern, dispatch: dispatchConcern, dataProtection: dataProtectionConcern });
const pool = postgres(config);
const tables = dynamo(config);
const syntheticNotifications = new PostgresSyntheticNotificationLog(pool);
const phones = makePhoneProtection(config);
const rateLimits = makeRateCounter(tables.documents, config);
export const handler = makeHandler({
  requests: new PostgresRequestStore(pool, phones),
  directory: new PostgresTechnicianDirectory(pool),
  testFleet: new PostgresTestFleet(pool),
  drRuns: new PostgresDrRunLog(pool),
  syntheticNotifications,
  intakeBuffer: new DynamoIntakeBuffer(tables.documents, config.tables.intakeBuffer),
  technicians: new DynamoTechnicianIndex(tables.documents, config.tables.locations),
  weather: new DynamoWeatherLevelReader(tables.documents, config.tables.scalingState),
  geocoder: geocoder(config),
  // Composed as POST /emergencies composes it: the drill's messages are synthetic, so the guard records them all.
  notifier: notifier(config, logger, syntheticNotifications, { guard: (outbound) => guardSms(outbound, { pool, phones, rateLimits, clock: systemClock, log: logger, config }) }),
  phones,
  rateLimits,
  abuse: { intakeLimitPerPhoneHour: config.dataProtection.intakeLimitPerPhoneHour },
  clock: systemClock,
  ids: randomIds,
  log: logger,
  dispatch: config.dispatch,
  intake: config.intake,
});
