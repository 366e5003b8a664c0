// Console and monthly schedule: a synthetic emergency end to end on the test fleet ({"dryRun": false, "operator": "…"}; {"history": true} lists drills).
import { loadConcerns } from '#shared/config/concern.js';
import { scheduledJob } from '#shared/powertools/scheduled-job.js';
import { drillConcerns, drillDeps } from './compose.js';
import { parseDrillInput, runDrill, type DrillDeps } from './dr-drill.js';

export const makeHandler = (deps: DrillDeps) =>
  scheduledJob(async (event: unknown) => runDrill(deps, parseDrillInput(event)));

const config = loadConcerns(drillConcerns);
export const handler = makeHandler(drillDeps(config));
