// The GDPR routes' deps (export and erase read and scrub the same data), composed once for both.
import type { ConfigOf } from '#shared/config/concern.js';
import { authConcern } from '#shared/config/auth.js';
import { dataProtectionConcern } from '#shared/config/data-protection.js';
import { databaseConcern } from '#shared/config/database.js';
import { dynamodbConcern } from '#shared/config/dynamodb.js';
import { routeConcerns } from '#shared/config/http.js';
import { regionConcern } from '#shared/config/region.js';
import { tablesConcern } from '#shared/config/tables.js';
import { PostgresPersonalData } from '#shared/adapters/postgres/personal-data.js';
import { PostgresRequestStore } from '#shared/adapters/postgres/request-store.js';
import { systemClock } from '#shared/adapters/system.js';
import { logger } from '#shared/powertools/logger.js';
import type { PersonalDataDeps } from './personal-data.js';
import { standbyAwareHttpSettings } from '#shared/compose/active-region.js';
import { dynamo } from '#shared/compose/dynamo.js';
import { tokenVerifier, type StaffRouteDeps } from '#shared/compose/http.js';
import { makePhoneProtection } from '#shared/compose/phones.js';
import { postgres } from '#shared/compose/postgres.js';

/** What the GDPR routes read: both load exactly these (the tables for the active-region record alone). */
export const personalDataConcerns = [
  regionConcern,
  databaseConcern,
  dynamodbConcern,
  tablesConcern,
  dataProtectionConcern,
  authConcern,
  ...routeConcerns,
] as const;

export function personalDataRouteDeps(
  config: ConfigOf<typeof personalDataConcerns>,
): PersonalDataDeps & StaffRouteDeps {
  const pool = postgres(config);
  const phones = makePhoneProtection(config);
  return {
    personalData: new PostgresPersonalData(pool, new PostgresRequestStore(pool, phones)),
    phones,
    clock: systemClock,
    log: logger,
    verifier: tokenVerifier(config),
    // In the standby region its database is a read-only replica: an erasure there would fail half-done.
    http: standbyAwareHttpSettings(config, dynamo(config).documents),
  };
}
