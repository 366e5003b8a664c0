// GET /ops/live-map (operations role): where every technician and every open request is, for the live view's map.
import { loadConcerns } from '#shared/config/concern.js';
import { authConcern } from '#shared/config/auth.js';
import { databaseConcern } from '#shared/config/database.js';
import { dispatchConcern } from '#shared/config/dispatch.js';
import { dynamodbConcern } from '#shared/config/dynamodb.js';
import { routeConcerns } from '#shared/config/http.js';
import { regionConcern } from '#shared/config/region.js';
import { tablesConcern } from '#shared/config/tables.js';
import { DynamoTechnicianIndex } from '#shared/adapters/dynamodb/technician-index.js';
import { DynamoWeatherLevelReader } from '#shared/adapters/dynamodb/weather-level.js';
import { PostgresLiveMap } from '#shared/adapters/postgres/live-map.js';
import { systemClock } from '#shared/adapters/system.js';
import { dynamo } from '#shared/compose/dynamo.js';
import { tokenVerifier, type StaffRouteDeps } from '#shared/compose/http.js';
import { standbyAwareHttpSettings } from '#shared/compose/active-region.js';
import { postgres } from '#shared/compose/postgres.js';
import { httpRoute } from '#shared/http/route.js';
import { liveMap, type LiveMapDeps } from './read-live-map.js';

export const makeHandler = (deps: LiveMapDeps & StaffRouteDeps) =>
  httpRoute({ http: deps.http, auth: { verifier: deps.verifier, role: 'operations' } }, async () => ({
    status: 200,
    body: await liveMap(deps),
  }));

// No phone keys: the map reads no customer details.
const config = loadConcerns([
  regionConcern,
  databaseConcern,
  dynamodbConcern,
  tablesConcern,
  dispatchConcern,
  authConcern,
  ...routeConcerns,
]);
const tables = dynamo(config);
export const handler = makeHandler({
  fleet: new DynamoTechnicianIndex(tables.documents, config.tables.locations),
  liveMap: new PostgresLiveMap(postgres(config)),
  weatherStatus: new DynamoWeatherLevelReader(tables.documents, config.tables.scalingState),
  clock: systemClock,
  dispatch: config.dispatch,
  verifier: tokenVerifier(config),
  http: standbyAwareHttpSettings(config, tables.documents),
});
