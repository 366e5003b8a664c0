// GET /ops/queue: the live dispatch queue for the operations console (operations role only).
import {
  loadConcerns,
  authConcern,
  databaseConcern,
  dataProtectionConcern,
  dispatchConcern,
  dynamodbConcern,
  httpConcern,
  intakeConcern,
  operationsConcern,
  regionConcern,
  tablesConcern,
} from '#shared/config.js';
import { DynamoTechnicianIndex } from '#shared/adapters/dynamodb/technician-index.js';
import { PostgresMetricsStore } from '#shared/adapters/postgres/metrics-store.js';
import { PostgresRequestStore } from '#shared/adapters/postgres/request-store.js';
import { systemClock } from '#shared/adapters/system.js';
import { dynamo } from '#shared/compose/dynamo.js';
import { httpSettings, tokenVerifier, type StaffRouteDeps } from '#shared/compose/http.js';
import { postgres } from '#shared/compose/postgres.js';
import { makePhoneProtection } from '#shared/compose/phones.js';
import { httpRoute } from '#shared/http/route.js';
import { operationsQueue, type QueueDeps } from './operations-queue.js';

export const makeHandler = (deps: QueueDeps & StaffRouteDeps) =>
  httpRoute({ http: deps.http, auth: { verifier: deps.verifier, role: 'operations' } }, async () => ({
    status: 200,
    body: await operationsQueue(deps),
  }));

const config = loadConcerns({
  region: regionConcern,
  database: databaseConcern,
  dynamodb: dynamodbConcern,
  tables: tablesConcern,
  dataProtection: dataProtectionConcern,
  dispatch: dispatchConcern,
  operations: operationsConcern,
  auth: authConcern,
  http: httpConcern,
  intake: intakeConcern,
});
const pool = postgres(config);
export const handler = makeHandler({
  requests: new PostgresRequestStore(pool, makePhoneProtection(config)),
  metricsStore: new PostgresMetricsStore(pool),
  technicians: new DynamoTechnicianIndex(dynamo(config).documents, config.tables.locations),
  clock: systemClock,
  dispatch: config.dispatch,
  operations: config.operations,
  verifier: tokenVerifier(config),
  http: httpSettings(config),
});
