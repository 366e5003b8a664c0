// GET /ops/health: the deep view for operations: every dependency the functions need, the backlog and the incident severity.
import { loadConcerns } from '#shared/config/concern.js';
import { authConcern } from '#shared/config/auth.js';
import { dynamodbConcern } from '#shared/config/dynamodb.js';
import { routeConcerns } from '#shared/config/http.js';
import { healthConcern } from './health-config.js';
import { PostgresRequestStore } from '#shared/adapters/postgres/request-store.js';
import { systemClock } from '#shared/adapters/system.js';
import { dynamo } from '#shared/compose/dynamo.js';
import { healthProbes, probeConcerns } from '#shared/compose/health-probes.js';
import { standbyAwareHttpSettings } from '#shared/compose/active-region.js';
import { tokenVerifier, type StaffRouteDeps } from '#shared/compose/http.js';
import { postgres } from '#shared/compose/postgres.js';
import { withoutPhones } from '#shared/compose/phones.js';
import { httpRoute } from '#shared/http/route.js';
import { logger } from '#shared/powertools/logger.js';
import { checkHealth, type HealthDeps } from './check-health.js';

// Always 200 when the report could be made: the verdict is in the body, and nothing fails over on this route.
export const makeHandler = (deps: HealthDeps & StaffRouteDeps) =>
  httpRoute({ http: deps.http, auth: { verifier: deps.verifier, role: 'operations' } }, async () => ({
    status: 200,
    body: await checkHealth(deps),
  }));

const config = loadConcerns([...probeConcerns, dynamodbConcern, healthConcern, authConcern, ...routeConcerns]);
// Pings and counts only: no phone number passes through here, and the role may describe the phone keys, not use them.
const requests = new PostgresRequestStore(postgres(config), withoutPhones);
const tables = dynamo(config);
export const handler = makeHandler({
  requests,
  dependencies: healthProbes(config, { requests, dynamodb: tables.client }),
  clock: systemClock,
  log: logger,
  health: config.health,
  verifier: tokenVerifier(config),
  // The standby region's own state is drCheck's; operations read the region that serves (its backlog, its severity).
  http: standbyAwareHttpSettings(config, tables.documents),
});
