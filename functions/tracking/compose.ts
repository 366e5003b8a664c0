// What the customer's own-request routes take (follow, cancel, rate): the request store, the intake buffer (a request
// still held there is answered from it) and the index (the van's live position). Composed once here, so the three
// customer routes cannot drift apart.
import type { ConfigOf } from '#shared/config/concern.js';
import { dataProtectionConcern } from '#shared/config/data-protection.js';
import { databaseConcern } from '#shared/config/database.js';
import { dynamodbConcern } from '#shared/config/dynamodb.js';
import { routeConcerns } from '#shared/config/http.js';
import { regionConcern } from '#shared/config/region.js';
import { tablesConcern } from '#shared/config/tables.js';
import { DynamoIntakeBuffer } from '#shared/adapters/dynamodb/intake-buffer.js';
import { DynamoTechnicianIndex } from '#shared/adapters/dynamodb/technician-index.js';
import { PostgresRequestStore } from '#shared/adapters/postgres/request-store.js';
import { PostgresTechnicianDirectory } from '#shared/adapters/postgres/technician-directory.js';
import { systemClock } from '#shared/adapters/system.js';
import { logger } from '#shared/powertools/logger.js';
import type { TrackingDeps } from './track-emergency.js';
import type { RouteDeps } from '#shared/compose/http.js';
import { standbyAwareHttpSettings } from '#shared/compose/active-region.js';
import { dynamo } from '#shared/compose/dynamo.js';
import { makePhoneProtection } from '#shared/compose/phones.js';
import { postgres } from '#shared/compose/postgres.js';

/** What the customer routes read: each of them loads exactly these. */
export const trackingConcerns = [
  regionConcern,
  databaseConcern,
  dynamodbConcern,
  tablesConcern,
  dataProtectionConcern,
  ...routeConcerns,
] as const;

export function trackingRouteDeps(
  config: ConfigOf<typeof trackingConcerns>,
): TrackingDeps & RouteDeps & { directory: PostgresTechnicianDirectory } {
  const { documents } = dynamo(config);
  const pool = postgres(config);
  return {
    requests: new PostgresRequestStore(pool, makePhoneProtection(config)),
    // Who is coming (first name and van) for GET /emergencies/{id}.
    directory: new PostgresTechnicianDirectory(pool),
    intakeBuffer: new DynamoIntakeBuffer(documents, config.tables.intakeBuffer),
    technicians: new DynamoTechnicianIndex(documents, config.tables.locations),
    clock: systemClock,
    log: logger,
    http: standbyAwareHttpSettings(config, documents),
  };
}
