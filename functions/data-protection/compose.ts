// The GDPR routes' deps (export and erase read and scrub the same data), composed once for both.
import type { Config } from '#shared/config.js';
import { PostgresPersonalData } from '#shared/adapters/postgres/personal-data.js';
import { PostgresRequestStore } from '#shared/adapters/postgres/request-store.js';
import { systemClock } from '#shared/adapters/system.js';
import { logger } from '#shared/powertools/logger.js';
import type { PersonalDataDeps } from './personal-data.js';
import { httpSettings, tokenVerifier, type StaffRouteDeps } from '#shared/compose/http.js';
import { makePhoneProtection } from '#shared/compose/phones.js';
import { postgres } from '#shared/compose/postgres.js';

type PersonalDataConcerns = Pick<Config, 'region' | 'database' | 'dataProtection' | 'auth' | 'http' | 'intake'>;

export function personalDataRouteDeps(config: PersonalDataConcerns): PersonalDataDeps & StaffRouteDeps {
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
