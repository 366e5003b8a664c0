// Console: restore the Aurora cluster to a point in time into a new cluster ({"restoreTime": "…", "targetClusterId": "…"}).
import { loadConfig, loadDrConfig } from '../../shared/config.js';
import { makeDeps } from '../../shared/deps.js';
import { makeControlPlane, makeRecoveryDeps } from '../../shared/dr-deps.js';
import { scheduledJob } from '../../shared/powertools.js';
import { parseRestoreInput, restoreDatabase, type RestoreDeps } from '../../shared/usecases/dr-restore.js';

export const makeHandler = (deps: RestoreDeps) => scheduledJob(async (event: unknown) => restoreDatabase(deps, parseRestoreInput(event)));

const config = loadConfig();
const dr = loadDrConfig();
const deps = makeDeps(config);
export const handler = makeHandler({ ...deps, ...makeRecoveryDeps(deps.pool), dr, controlPlane: makeControlPlane(config, dr) });
