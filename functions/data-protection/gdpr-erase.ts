// POST /ops/gdpr/erase: anonymises everything held about a customer's phone number (operations only; 409 while open).
import { loadConcerns } from '#shared/config/concern.js';
import type { StaffRouteDeps } from '#shared/compose/http.js';
import { personalDataConcerns, personalDataRouteDeps } from './compose.js';
import { httpRoute } from '#shared/http/route.js';
import { DataSubjectBody } from './schemas.js';
import { erasePersonalData, type PersonalDataDeps } from './personal-data.js';

export const makeHandler = (deps: PersonalDataDeps & StaffRouteDeps) =>
  httpRoute(
    { http: deps.http, auth: { verifier: deps.verifier, role: 'operations' }, body: DataSubjectBody },
    async ({ body, principal }) => ({
      status: 200,
      body: await erasePersonalData(deps, body.phone, principal!.subject),
    }),
  );

const config = loadConcerns(personalDataConcerns);
export const handler = makeHandler(personalDataRouteDeps(config));
