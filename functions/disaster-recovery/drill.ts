// Console and monthly schedule: a synthetic emergency end to end on the test fleet ({"dryRun": false, "operator": "…"}; {"history": true} lists drills).
import { loadConcerns } from '#shared/config/concern.js';
import { activeRegionConcern } from '#shared/config/active-region.js';
import { regionRole } from '#shared/compose/active-region.js';
import { scheduledJob, type ActiveRegionOnly } from '#shared/powertools/scheduled-job.js';
import { drillConcerns, drillParts } from './compose.js';
import { parseDrillInput, runDrill, type DrillDeps } from './dr-drill.js';

export const makeHandler = (deps: DrillDeps & ActiveRegionOnly) =>
  scheduledJob(async (event: unknown) => runDrill(deps, parseDrillInput(event)), deps);

const config = loadConcerns([...drillConcerns, activeRegionConcern]);
const { deps, tables } = drillParts(config);
export const handler = makeHandler({
  ...deps,
  // The monthly drill runs where the active-region record points, as every scheduled writer does.
  regionRole: regionRole(config, tables.documents),
});
