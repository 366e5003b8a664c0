// GET /ops/health: the deep view for operations: every dependency, the backlog and the incident severity.
import { loadConcerns, authConcern, databaseConcern, dynamodbConcern, healthConcern, httpConcern, intakeConcern, regionConcern, tablesConcern } from '../../shared/config.js';
import { DynamoTableProbe } from '../../shared/adapters/dynamodb/table-probe.js';
import { PostgresRequestStore } from '../../shared/adapters/postgres/request-store.js';
import { dynamo } from '../../shared/compose/dynamo.js';
import { httpSettings, tokenVerifier, type StaffRouteDeps } from '../../shared/compose/http.js';
import { postgres } from '../../shared/compose/postgres.js';
import { withoutPhones } from '../../shared/compose/phones.js';
import { httpRoute } from '../../shared/http/route.js';
import { logger } from '../../shared/powertools/logger.js';
import { checkHealth, type HealthDeps } from '../../shared/usecases/check-health.js';

// Always 200 when the report could be made: the verdict is in the body, and nothing fails over on this route.
export const makeHandler = (deps: HealthDeps & StaffRouteDeps) =>
  httpRoute({ http: deps.http, auth: { verifier: deps.verifier, role: 'operations' } }, async () => ({ status: 200, body: await checkHealth(deps) }));

const config = loadConcerns({ region: regionConcern, database: databaseConcern, dynamodb: dynamodbConcern, tables: tablesConcern, health: healthConcern, http: httpConcern, intake: intakeConcern, auth: authConcern });
export const handler = makeHandler({
  // Pings and counts only: no phone number passes through here, and the role has no phone key.
  requests: new PostgresRequestStore(postgres(config), withoutPhones),
  tables: new DynamoTableProbe(dynamo(config).client, Object.values(config.tables)),
  log: logger,
  health: config.health,
  verifier: tokenVerifier(config),
  http: httpSettings(config),
});
