// Console, in the region being promoted: switchover (planned) or failover (disaster) of the Aurora Global Database.
import { loadConcerns } from '#shared/config/concern.js';
import { databaseConcern } from '#shared/config/database.js';
import { notifierConcern } from '#shared/config/notifier.js';
import { regionConcern } from '#shared/config/region.js';
import { drConcern } from './config.js';
import { PostgresDrRunLog } from '#shared/adapters/postgres/recovery-store.js';
import { PostgresSyntheticNotificationLog } from '#shared/adapters/postgres/synthetic-notifications.js';
import { randomIds, systemClock } from '#shared/adapters/system.js';
import { controlPlane } from './compose.js';
import { notifier } from '#shared/compose/notifier.js';
import { postgres } from '#shared/compose/postgres.js';
import { logger } from '#shared/powertools/logger.js';
import { scheduledJob } from '#shared/powertools/scheduled-job.js';
import { failoverDatabase, parseFailoverInput, type FailoverDeps } from './dr-failover.js';

export const makeHandler = (deps: FailoverDeps) =>
  scheduledJob(async (event: unknown) => failoverDatabase(deps, parseFailoverInput(event)));

const config = loadConcerns([regionConcern, databaseConcern, notifierConcern, drConcern]);
const pool = postgres(config);
const regional = controlPlane(config);
export const handler = makeHandler({
  dr: config.dr,
  // Invoked in the region being promoted, so the target cluster and its lag are described in this region.
  controlPlane: regional && { database: regional.database, target: regional.database, lag: regional.lag },
  drRuns: new PostgresDrRunLog(pool),
  notifier: notifier(config, logger, new PostgresSyntheticNotificationLog(pool)),
  clock: systemClock,
  ids: randomIds,
  log: logger,
  wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
});
