// GET /health: shallow and cheap, for Route 53 and anything else that fails over. 200 whenever intake works.
import { loadConcerns } from '#shared/config/concern.js';
import { databaseConcern } from '#shared/config/database.js';
import { dynamodbConcern } from '#shared/config/dynamodb.js';
import { routeConcerns } from '#shared/config/http.js';
import { regionConcern } from '#shared/config/region.js';
import { tablesConcern } from '#shared/config/tables.js';
import { healthConcern } from './health-config.js';
import { DynamoIntakeBuffer } from '#shared/adapters/dynamodb/intake-buffer.js';
import { PostgresRequestStore } from '#shared/adapters/postgres/request-store.js';
import { regionRole } from '#shared/compose/active-region.js';
import { dynamo } from '#shared/compose/dynamo.js';
import { httpSettings, type RouteDeps } from '#shared/compose/http.js';
import { postgres } from '#shared/compose/postgres.js';
import { withoutPhones } from '#shared/compose/phones.js';
import { httpRoute } from '#shared/http/route.js';
import { logger } from '#shared/powertools/logger.js';
import { checkIntakeHealth, type IntakeHealthDeps } from './check-intake-health.js';

export const makeHandler = (deps: IntakeHealthDeps & RouteDeps) =>
  httpRoute({ http: deps.http }, async () => {
    const health = await checkIntakeHealth(deps);
    return { status: health.status === 'down' || health.status === 'standby' ? 503 : 200, body: health };
  });

const config = loadConcerns([
  regionConcern,
  databaseConcern,
  dynamodbConcern,
  tablesConcern,
  healthConcern,
  ...routeConcerns,
]);
const { documents } = dynamo(config);
export const handler = makeHandler({
  // Pings and counts only: no phone number passes through here, and the role has no phone key.
  requests: new PostgresRequestStore(postgres(config), withoutPhones),
  intakeBuffer: new DynamoIntakeBuffer(documents, config.tables.intakeBuffer),
  regionRole: regionRole(config, documents),
  log: logger,
  health: config.health,
  http: httpSettings(config),
});
