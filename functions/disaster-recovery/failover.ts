// Console, in the region being promoted: moves the whole service here (database, active-region record, buffer,
// verification) as a switchover (planned) or failover (disaster). drFailback is the same function in the home region.
import { LambdaClient } from '@aws-sdk/client-lambda';
import { loadConcerns } from '#shared/config/concern.js';
import { activeRegionConcern } from '#shared/config/active-region.js';
import { dataProtectionConcern } from '#shared/config/data-protection.js';
import { databaseConcern } from '#shared/config/database.js';
import { dynamodbConcern } from '#shared/config/dynamodb.js';
import { notifierConcern } from '#shared/config/notifier.js';
import { regionConcern } from '#shared/config/region.js';
import { tablesConcern } from '#shared/config/tables.js';
import { drConcern } from './config.js';
import { DynamoIntakeBuffer, DynamoIntakeJournal } from '#shared/adapters/dynamodb/intake-buffer.js';
import { LambdaDrillVerification } from '#shared/adapters/lambda/drill-invoker.js';
import { PostgresDrRunLog, PostgresRecoveryStore } from '#shared/adapters/postgres/recovery-store.js';
import { PostgresRequestStore } from '#shared/adapters/postgres/request-store.js';
import { PostgresSyntheticNotificationLog } from '#shared/adapters/postgres/synthetic-notifications.js';
import { PostgresWriterProbe } from '#shared/adapters/postgres/writer-probe.js';
import { namingUnreachable, sdkClientOptions } from '#shared/adapters/sdk-client-options.js';
import { randomIds, systemClock } from '#shared/adapters/system.js';
import { controlPlane } from './compose.js';
import { activeRegionStore } from '#shared/compose/active-region.js';
import { dynamo } from '#shared/compose/dynamo.js';
import { notifier } from '#shared/compose/notifier.js';
import { makePhoneProtection } from '#shared/compose/phones.js';
import { postgres } from '#shared/compose/postgres.js';
import { logger } from '#shared/powertools/logger.js';
import { scheduledJob } from '#shared/powertools/scheduled-job.js';
import { drainIntakeBuffer, settleIntakeJournal } from '#functions/intake/index.js';
import { failoverDatabase, parseFailbackInput, parseFailoverInput, type FailoverDeps } from './dr-failover.js';

export const makeHandler = (deps: FailoverDeps) =>
  scheduledJob(async (event: unknown) => failoverDatabase(deps, parseFailoverInput(event)));

const config = loadConcerns([
  regionConcern,
  databaseConcern,
  dynamodbConcern,
  tablesConcern,
  notifierConcern,
  dataProtectionConcern,
  activeRegionConcern,
  drConcern,
]);
const pool = postgres(config);
const { documents } = dynamo(config);
const regional = controlPlane(config);
const drill = new LambdaDrillVerification(
  namingUnreachable(new LambdaClient({ region: config.region, ...sdkClientOptions('control-plane') })),
  config.dr.drillFunctionName,
);
const failoverDeps = {
  dr: config.dr,
  // Invoked in the region being promoted, so the target cluster and its lag are described in this region.
  controlPlane: regional && { database: regional.database, target: regional.database, lag: regional.lag },
  region: config.region,
  activeRegion: activeRegionStore(config, documents),
  activeRegionCacheMs: config.activeRegion.cacheMs,
  writer: new PostgresWriterProbe(pool),
  // The drain stores buffered intakes as every intake is stored: the phone number sealed, with its look-up hash.
  requests: new PostgresRequestStore(pool, makePhoneProtection(config)),
  intakeBuffer: new DynamoIntakeBuffer(documents, config.tables.intakeBuffer),
  journal: new DynamoIntakeJournal(documents, config.tables.intakeBuffer),
  recovery: new PostgresRecoveryStore(pool),
  drRuns: new PostgresDrRunLog(pool),
  notifier: notifier(config, logger, new PostgresSyntheticNotificationLog(pool)),
  clock: systemClock,
  ids: randomIds,
  log: logger,
  wait: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  verify: (operator: string) => drill.verify(operator),
};
const wired: FailoverDeps = {
  ...failoverDeps,
  drainIntakeBuffer(this: typeof failoverDeps) {
    return drainIntakeBuffer(this);
  },
  settleIntakeJournal(this: typeof failoverDeps) {
    return settleIntakeJournal(this);
  },
};
export const handler = makeHandler(wired);
/** drFailback: the same steps back to the home region, once it is healthy: planned only, so nothing can be lost. */
export const failbackHandler = scheduledJob(async (event: unknown) =>
  failoverDatabase(wired, parseFailbackInput(event)),
);
