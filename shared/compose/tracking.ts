// What the customer's own-request routes take (follow, cancel, rate): the request store, the intake buffer (a request
// still held there is answered from it) and the index (the van's live position). Composed once here, so the three
// customer routes cannot drift apart.
import type { Config } from '../config.js';
import { DynamoIntakeBuffer } from '../adapters/dynamodb/intake-buffer.js';
import { DynamoTechnicianIndex } from '../adapters/dynamodb/technician-index.js';
import { PostgresRequestStore } from '../adapters/postgres/request-store.js';
import { PostgresTechnicianDirectory } from '../adapters/postgres/technician-directory.js';
import { systemClock } from '../adapters/system.js';
import { logger } from '../powertools/logger.js';
import type { TrackingDeps } from '../usecases/track-emergency.js';
import { httpSettings, type RouteDeps } from './http.js';
import { dynamo } from './dynamo.js';
import { makePhoneProtection } from './phones.js';
import { postgres } from './postgres.js';

type TrackingConcerns = Pick<
  Config,
  'region' | 'database' | 'dynamodb' | 'tables' | 'dataProtection' | 'http' | 'intake'
>;

export function trackingRouteDeps(
  config: TrackingConcerns,
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
    http: httpSettings(config),
  };
}
