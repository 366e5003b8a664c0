// POST /ops/gdpr/export: everything held about a customer's phone number, as one JSON document (operations only).
import { loadConcerns } from '#shared/config/concern.js';
import type { StaffRouteDeps } from '#shared/compose/http.js';
import { personalDataConcerns, personalDataRouteDeps } from './compose.js';
import { httpRoute } from '#shared/http/route.js';
import { DataSubjectBody } from './schemas.js';
import { exportPersonalData, type PersonalDataDeps } from './personal-data.js';

export const makeHandler = (deps: PersonalDataDeps & StaffRouteDeps) =>
  httpRoute(
    { http: deps.http, auth: { verifier: deps.verifier, role: 'operations' }, body: DataSubjectBody },
    async ({ body }) => ({
      status: 200,
      body: await exportPersonalData(deps, body.phone),
    }),
  );

const config = loadConcerns(personalDataConcerns);
export const handler = makeHandler(personalDataRouteDeps(config));
