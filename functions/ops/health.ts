// GET /health: can the intake path take emergencies right now?
import { loadConcerns, parseDatabase, parseDynamodb, parseHealth, parseHttp, parseIntake, parseRegion, parseTables } from '../../shared/config.js';
import { DynamoTableProbe } from '../../shared/adapters/dynamodb/table-probe.js';
import { PostgresRequestStore } from '../../shared/adapters/postgres/request-store.js';
import { dynamo } from '../../shared/compose/dynamo.js';
import { httpSettings, type RouteDeps } from '../../shared/compose/http.js';
import { postgres } from '../../shared/compose/postgres.js';
import { httpRoute } from '../../shared/http/route.js';
import { logger } from '../../shared/powertools/logger.js';
import { checkHealth, type HealthDeps } from '../../shared/usecases/check-health.js';

export const makeHandler = (deps: HealthDeps & RouteDeps) =>
  httpRoute({ http: deps.http }, async () => {
    const report = await checkHealth(deps);
    return { status: report.status === 'healthy' ? 200 : 503, body: report };
  });

const config = loadConcerns({ region: parseRegion, database: parseDatabase, dynamodb: parseDynamodb, tables: parseTables, health: parseHealth, http: parseHttp, intake: parseIntake });
export const handler = makeHandler({
  requests: new PostgresRequestStore(postgres(config)),
  tables: new DynamoTableProbe(dynamo(config).client, Object.values(config.tables)),
  log: logger,
  health: config.health,
  http: httpSettings(config),
});
