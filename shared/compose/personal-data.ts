// The GDPR routes' deps (export and erase read and scrub the same data), composed once for both.
import type { Config } from '../config.js';
import { PostgresPersonalData } from '../adapters/postgres/personal-data.js';
import { PostgresRequestStore } from '../adapters/postgres/request-store.js';
import { systemClock } from '../adapters/system.js';
import { logger } from '../powertools/logger.js';
import type { PersonalDataDeps } from '../usecases/personal-data.js';
import { httpSettings, tokenVerifier, type StaffRouteDeps } from './http.js';
import { makePhoneProtection } from './phones.js';
import { postgres } from './postgres.js';

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
