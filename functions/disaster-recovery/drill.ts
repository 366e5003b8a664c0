// Console and monthly schedule: a synthetic emergency end to end on the test fleet ({"dryRun": false, "operator": "…"}; {"history": true} lists drills).
import { loadConcerns } from '#shared/config/concern.js';
import { dataProtectionConcern } from '#shared/config/data-protection.js';
import { databaseConcern } from '#shared/config/database.js';
import { dispatchConcern } from '#shared/config/dispatch.js';
import { dynamodbConcern } from '#shared/config/dynamodb.js';
import { geocoderConcern } from '#shared/config/geocoder.js';
import { intakeConcern } from '#shared/config/intake.js';
import { linksConcern } from '#shared/config/links.js';
import { notifierConcern } from '#shared/config/notifier.js';
import { regionConcern } from '#shared/config/region.js';
import { tablesConcern } from '#shared/config/tables.js';
import { PostgresDrRunLog } from '#shared/adapters/postgres/recovery-store.js';
import { PostgresTestFleet } from '#shared/adapters/postgres/test-fleet.js';
import { createEmergency, intakeDeps } from '#functions/intake/index.js';
import { applyJobAction } from '#functions/jobs/index.js';
import { scheduledJob } from '#shared/powertools/scheduled-job.js';
import { parseDrillInput, runDrill, type DrillDeps } from './dr-drill.js';

export const makeHandler = (deps: DrillDeps) =>
  scheduledJob(async (event: unknown) => runDrill(deps, parseDrillInput(event)));

const config = loadConcerns([
  regionConcern,
  databaseConcern,
  dynamodbConcern,
  tablesConcern,
  geocoderConcern,
  notifierConcern,
  dataProtectionConcern,
  dispatchConcern,
  intakeConcern,
  linksConcern,
]);
// Composed as POST /emergencies composes it (functions/intake/compose.ts): the drill's messages are synthetic, so the
// guard records them all and no real provider is wired.
const intake = intakeDeps(config);
const drillDeps = {
  ...intake.deps,
  // The whole concern, arrival radius and code attempts included: the drill proves its arrival like a van does.
  dispatch: config.dispatch,
  testFleet: new PostgresTestFleet(intake.pool),
  drRuns: new PostgresDrRunLog(intake.pool),
  syntheticNotifications: intake.syntheticNotifications,
};
export const handler = makeHandler({
  ...drillDeps,
  // Run over the deps they are called on, as the Lambdas of intake and of the job steps run them.
  createEmergency(this: typeof drillDeps, input, options) {
    return createEmergency(this, input, options);
  },
  applyJobAction(this: typeof drillDeps, principal, jobId, action, input) {
    return applyJobAction(this, principal, jobId, action, input);
  },
});
