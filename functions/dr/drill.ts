// Console and monthly schedule: a synthetic emergency end to end on the test fleet ({"dryRun": false, "operator": "…"}; {"history": true} lists drills).
import { loadConfig } from '../../shared/config.js';
import { makeDeps } from '../../shared/deps.js';
import { makeRecoveryDeps } from '../../shared/dr-deps.js';
import { PostgresTestFleet } from '../../shared/adapters/postgres/test-fleet.js';
import { scheduledJob } from '../../shared/powertools.js';
import { parseDrillInput, runDrill, type DrillDeps } from '../../shared/usecases/dr-drill.js';

export const makeHandler = (deps: DrillDeps) => scheduledJob(async (event: unknown) => runDrill(deps, parseDrillInput(event)));

const deps = makeDeps(loadConfig());
export const handler = makeHandler({ ...deps, ...makeRecoveryDeps(deps.pool), testFleet: new PostgresTestFleet(deps.pool) });
