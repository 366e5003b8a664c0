// GET /ops/metrics (operations role): the live business figures, severity and weather level for the dashboard.
import { loadConcerns } from '#shared/config/concern.js';
import { authConcern } from '#shared/config/auth.js';
import { databaseConcern } from '#shared/config/database.js';
import { dispatchConcern } from '#shared/config/dispatch.js';
import { dynamodbConcern } from '#shared/config/dynamodb.js';
import { routeConcerns } from '#shared/config/http.js';
import { regionConcern } from '#shared/config/region.js';
import { tablesConcern } from '#shared/config/tables.js';
import { operationsConcern } from './config.js';
import { DynamoTechnicianIndex } from '#shared/adapters/dynamodb/technician-index.js';
import { DynamoIncidentStore } from '#shared/adapters/dynamodb/incident-store.js';
import { DynamoSloStatusStore } from '#shared/adapters/dynamodb/slo-status.js';
import { DynamoSurgeStore } from '#shared/adapters/dynamodb/surge.js';
import { DynamoWeatherLevelReader } from '#shared/adapters/dynamodb/weather-level.js';
import { PostgresMetricsStore } from '#shared/adapters/postgres/metrics-store.js';
import { systemClock } from '#shared/adapters/system.js';
import { dynamo } from '#shared/compose/dynamo.js';
import { tokenVerifier, type StaffRouteDeps } from '#shared/compose/http.js';
import { standbyAwareHttpSettings } from '#shared/compose/active-region.js';
import { postgres } from '#shared/compose/postgres.js';
import { httpRoute } from '#shared/http/route.js';
import { operationsView, type OperationsViewDeps } from './operations-view.js';

export const makeHandler = (deps: OperationsViewDeps & StaffRouteDeps) =>
  httpRoute({ http: deps.http, auth: { verifier: deps.verifier, role: 'operations' } }, async () => {
    const view = await operationsView(deps);
    return {
      status: 200,
      body: {
        ...view.figures,
        severity: view.severity,
        weatherLevel: view.weatherLevel,
        slos: view.slos,
        incidents: view.incidents,
        surge: view.surge,
      },
    };
  });

const config = loadConcerns([
  regionConcern,
  databaseConcern,
  dynamodbConcern,
  tablesConcern,
  dispatchConcern,
  operationsConcern,
  authConcern,
  ...routeConcerns,
]);
const tables = dynamo(config);
export const handler = makeHandler({
  metricsStore: new PostgresMetricsStore(postgres(config)),
  technicians: new DynamoTechnicianIndex(tables.documents, config.tables.locations),
  weather: new DynamoWeatherLevelReader(tables.documents, config.tables.scalingState),
  clock: systemClock,
  dispatch: config.dispatch,
  intake: config.intake,
  operations: config.operations,
  sloStatus: new DynamoSloStatusStore(tables.documents, config.tables.scalingState),
  incidents: new DynamoIncidentStore(tables.documents, config.tables.scalingState),
  surges: new DynamoSurgeStore(tables.documents, config.tables.scalingState),
  verifier: tokenVerifier(config),
  http: standbyAwareHttpSettings(config, tables.documents),
});
