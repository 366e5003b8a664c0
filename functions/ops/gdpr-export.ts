// POST /ops/gdpr/export: everything held about a customer's phone number, as one JSON document (operations only).
import { loadConcerns, parseAuth, parseDatabase, parseDataProtection, parseHttp, parseIntake, parseRegion } from '../../shared/config.js';
import { PostgresPersonalData } from '../../shared/adapters/postgres/personal-data.js';
import { PostgresRequestStore } from '../../shared/adapters/postgres/request-store.js';
import { systemClock } from '../../shared/adapters/system.js';
import { httpSettings, tokenVerifier, type StaffRouteDeps } from '../../shared/compose/http.js';
import { postgres } from '../../shared/compose/postgres.js';
import { makePhoneProtection } from '../../shared/compose/phones.js';
import { httpRoute } from '../../shared/http/route.js';
import { logger } from '../../shared/powertools/logger.js';
import { DataSubjectBody } from '../../shared/schemas/gdpr.js';
import { exportPersonalData, type PersonalDataDeps } from '../../shared/usecases/personal-data.js';

export const makeHandler = (deps: PersonalDataDeps & StaffRouteDeps) =>
  httpRoute({ http: deps.http, auth: { verifier: deps.verifier, role: 'operations' }, body: DataSubjectBody }, async ({ body }) => ({
    status: 200,
    body: await exportPersonalData(deps, body.phone),
  }));

const config = loadConcerns({ region: parseRegion, database: parseDatabase, dataProtection: parseDataProtection, auth: parseAuth, http: parseHttp, intake: parseIntake });
const pool = postgres(config);
const phones = makePhoneProtection(config);
export const handler = makeHandler({
  personalData: new PostgresPersonalData(pool, new PostgresRequestStore(pool, phones)),
  phones,
  clock: systemClock,
  log: logger,
  verifier: tokenVerifier(config),
  http: httpSettings(config),
});
