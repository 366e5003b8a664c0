// Console: restore the Aurora cluster to a point in time into a new cluster, add its writer and move the proxy to it
// ({"restoreTime": "…", "targetClusterId": "<service>-<stage>-restore-…"}; a dry run unless {"dryRun": false, "operator": "…"}).
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
import { parseRestoreInput, restoreDatabase, type RestoreDeps } from './dr-restore.js';

export const makeHandler = (deps: RestoreDeps) =>
  scheduledJob(async (event: unknown) => restoreDatabase(deps, parseRestoreInput(event)));

const config = loadConcerns([regionConcern, databaseConcern, notifierConcern, drConcern]);
const pool = postgres(config);
const regional = controlPlane(config);
export const handler = makeHandler({
  dr: config.dr,
  controlPlane: regional && { restore: regional.database },
  wait: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  drRuns: new PostgresDrRunLog(pool),
  notifier: notifier(config, logger, new PostgresSyntheticNotificationLog(pool)),
  clock: systemClock,
  ids: randomIds,
  log: logger,
});
