// POST /ops/gdpr/export: everything held about a customer's phone number, as one JSON document (operations only).
import { loadConfig } from '../../shared/config.js';
import { makeDeps, type Deps } from '../../shared/deps.js';
import { httpRoute } from '../../shared/http/route.js';
import { DataSubjectBody } from '../../shared/schemas/gdpr.js';
import { exportPersonalData } from '../../shared/usecases/personal-data.js';

export const makeHandler = (deps: Deps) =>
  httpRoute({ http: deps.http, auth: { verifier: deps.verifier, role: 'operations' }, body: DataSubjectBody }, async ({ body }) => ({
    status: 200,
    body: await exportPersonalData(deps, body.phone),
  }));

export const handler = makeHandler(makeDeps(loadConfig()));
