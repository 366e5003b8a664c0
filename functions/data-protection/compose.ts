// The GDPR routes' deps (export and erase read and scrub the same data), composed once for both.
import type { ConfigOf } from '#shared/config/concern.js';
import { authConcern } from '#shared/config/auth.js';
import { dataProtectionConcern } from '#shared/config/data-protection.js';
import { databaseConcern } from '#shared/config/database.js';
import { routeConcerns } from '#shared/config/http.js';
import { regionConcern } from '#shared/config/region.js';
import { PostgresPersonalData } from '#shared/adapters/postgres/personal-data.js';
import { PostgresRequestStore } from '#shared/adapters/postgres/request-store.js';
import { systemClock } from '#shared/adapters/system.js';
import { logger } from '#shared/powertools/logger.js';
import type { PersonalDataDeps } from './personal-data.js';
import { httpSettings, tokenVerifier, type StaffRouteDeps } from '#shared/compose/http.js';
import { makePhoneProtection } from '#shared/compose/phones.js';
import { postgres } from '#shared/compose/postgres.js';

/** What the GDPR routes read: both load exactly these. */
export const personalDataConcerns = [
  regionConcern,
  databaseConcern,
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
    http: httpSettings(config),
  };
}
