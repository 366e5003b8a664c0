// POST /emergencies/{id}/rating: after completion the customer rates the job 1–5, with an optional comment.
import { loadConcerns, databaseConcern, dataProtectionConcern, dynamodbConcern, httpConcern, intakeConcern, regionConcern, tablesConcern } from '../../shared/config.js';
import { DynamoIntakeBuffer } from '../../shared/adapters/dynamodb/intake-buffer.js';
import { DynamoTechnicianIndex } from '../../shared/adapters/dynamodb/technician-index.js';
import { PostgresRequestStore } from '../../shared/adapters/postgres/request-store.js';
import { systemClock } from '../../shared/adapters/system.js';
import { dynamo } from '../../shared/compose/dynamo.js';
import { httpSettings, type RouteDeps } from '../../shared/compose/http.js';
import { makePhoneProtection } from '../../shared/compose/phones.js';
import { postgres } from '../../shared/compose/postgres.js';
import { httpRoute } from '../../shared/http/route.js';
import { logger } from '../../shared/powertools/logger.js';
import { EmergencyIdPath } from '../../shared/schemas/emergency-path.js';
import { RatingBody } from '../../shared/schemas/rating.js';
import { rateOwnEmergency, type TrackingDeps } from '../../shared/usecases/track-emergency.js';

export const makeHandler = (deps: TrackingDeps & RouteDeps) =>
  httpRoute({ http: deps.http, params: EmergencyIdPath, body: RatingBody }, async ({ params, headers, body }) => {
    const rated = await rateOwnEmergency(deps, params.id, headers['x-tracking-token'], body.rating, body.comment);
    return { status: 201, body: { id: rated.id, reference: rated.reference, rating: { score: rated.rating!, ...(rated.ratingComment ? { comment: rated.ratingComment } : {}) } } };
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
