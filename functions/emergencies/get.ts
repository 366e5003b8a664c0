// GET /emergencies/{id}: the customer follows their request with the tracking token they were given.
import { loadConcerns, databaseConcern, dataProtectionConcern, dispatchConcern, dynamodbConcern, httpConcern, intakeConcern, regionConcern, tablesConcern } from '../../shared/config.js';
import { DynamoIntakeBuffer } from '../../shared/adapters/dynamodb/intake-buffer.js';
import { DynamoTechnicianIndex } from '../../shared/adapters/dynamodb/technician-index.js';
import { PostgresRequestStore } from '../../shared/adapters/postgres/request-store.js';
import { systemClock } from '../../shared/adapters/system.js';
import { dynamo } from '../../shared/compose/dynamo.js';
import { httpSettings, type RouteDeps } from '../../shared/compose/http.js';
import { postgres } from '../../shared/compose/postgres.js';
import { makePhoneProtection } from '../../shared/compose/phones.js';
import { httpRoute } from '../../shared/http/route.js';
import { logger } from '../../shared/powertools/logger.js';
import { EmergencyIdPath } from '../../shared/schemas/emergency-path.js';
import { followOwnEmergency } from '../../shared/usecases/track-emergency.js';
import { emergencyView } from './view.js';

export const makeHandler = (deps: Parameters<typeof followOwnEmergency>[0] & RouteDeps) =>
  httpRoute({ http: deps.http, params: EmergencyIdPath }, async ({ params, headers }) => {
    const { request, live } = await followOwnEmergency(deps, params.id, headers['x-tracking-token']);
    return { status: 200, body: emergencyView(request, live) };
  });

const config = loadConcerns({ region: regionConcern, database: databaseConcern, dynamodb: dynamodbConcern, tables: tablesConcern, dataProtection: dataProtectionConcern, dispatch: dispatchConcern, http: httpConcern, intake: intakeConcern });
const tables = dynamo(config);
export const handler = makeHandler({
  requests: new PostgresRequestStore(postgres(config), makePhoneProtection(config)),
  intakeBuffer: new DynamoIntakeBuffer(tables.documents, config.tables.intakeBuffer),
  technicians: new DynamoTechnicianIndex(tables.documents, config.tables.locations),
  clock: systemClock,
  log: logger,
  dispatch: config.dispatch,
  http: httpSettings(config),
});
