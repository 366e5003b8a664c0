// POST /emergencies/{id}/cancel: the customer no longer needs help (fixed it, or got a lift).
import { loadConcerns, databaseConcern, dataProtectionConcern, dynamodbConcern, httpConcern, intakeConcern, regionConcern, tablesConcern } from '../../shared/config.js';
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
import { cancelOwnEmergency, type TrackingDeps } from '../../shared/usecases/track-emergency.js';
import { emergencyView } from './view.js';

export const makeHandler = (deps: TrackingDeps & RouteDeps) =>
  httpRoute({ http: deps.http, params: EmergencyIdPath }, async ({ params, headers }) => {
    const cancelled = await cancelOwnEmergency(deps, params.id, headers['x-tracking-token']);
    return { status: 200, body: emergencyView({ ...cancelled, queued: false }) };
  });

const config = loadConcerns({ region: regionConcern, database: databaseConcern, dynamodb: dynamodbConcern, tables: tablesConcern, dataProtection: dataProtectionConcern, http: httpConcern, intake: intakeConcern });
const tables = dynamo(config);
export const handler = makeHandler({
  requests: new PostgresRequestStore(postgres(config), makePhoneProtection(config)),
  intakeBuffer: new DynamoIntakeBuffer(tables.documents, config.tables.intakeBuffer),
  technicians: new DynamoTechnicianIndex(tables.documents, config.tables.locations),
  clock: systemClock,
  log: logger,
  http: httpSettings(config),
});
