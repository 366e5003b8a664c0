// GET /ops/queue: the live dispatch queue for the operations console (operations role only).
import { loadConcerns } from '#shared/config/concern.js';
import { authConcern } from '#shared/config/auth.js';
import { dataProtectionConcern } from '#shared/config/data-protection.js';
import { databaseConcern } from '#shared/config/database.js';
import { dispatchConcern } from '#shared/config/dispatch.js';
import { dynamodbConcern } from '#shared/config/dynamodb.js';
import { routeConcerns } from '#shared/config/http.js';
import { regionConcern } from '#shared/config/region.js';
import { tablesConcern } from '#shared/config/tables.js';
import { operationsConcern } from './config.js';
import { DynamoTechnicianIndex } from '#shared/adapters/dynamodb/technician-index.js';
import { PostgresMetricsStore } from '#shared/adapters/postgres/metrics-store.js';
import { PostgresRequestStore } from '#shared/adapters/postgres/request-store.js';
import { systemClock } from '#shared/adapters/system.js';
import { dynamo } from '#shared/compose/dynamo.js';
import { tokenVerifier, type StaffRouteDeps } from '#shared/compose/http.js';
import { standbyAwareHttpSettings } from '#shared/compose/active-region.js';
import { postgres } from '#shared/compose/postgres.js';
import { makePhoneProtection } from '#shared/compose/phones.js';
import { httpRoute } from '#shared/http/route.js';
import { operationsQueue, type QueueDeps } from './operations-queue.js';

export const makeHandler = (deps: QueueDeps & StaffRouteDeps) =>
  httpRoute({ http: deps.http, auth: { verifier: deps.verifier, role: 'operations' } }, async () => ({
    status: 200,
    body: await operationsQueue(deps),
  }));

const config = loadConcerns([
  regionConcern,
  databaseConcern,
  dynamodbConcern,
  tablesConcern,
  dataProtectionConcern,
  dispatchConcern,
  operationsConcern,
  authConcern,
  ...routeConcerns,
]);
const pool = postgres(config);
export const handler = makeHandler({
  requests: new PostgresRequestStore(pool, makePhoneProtection(config)),
  metricsStore: new PostgresMetricsStore(pool),
  technicians: new DynamoTechnicianIndex(dynamo(config).documents, config.tables.locations),
  clock: systemClock,
  dispatch: config.dispatch,
  operations: config.operations,
  verifier: tokenVerifier(config),
  http: standbyAwareHttpSettings(config, dynamo(config).documents),
});
