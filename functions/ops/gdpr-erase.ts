// POST /ops/gdpr/erase: anonymises everything held about a customer's phone number (operations only; 409 while open).
import { loadConfig } from '../../shared/config.js';
import { makeDeps, type Deps } from '../../shared/deps.js';
import { httpRoute } from '../../shared/http/route.js';
import { DataSubjectBody } from '../../shared/schemas/gdpr.js';
import { erasePersonalData } from '../../shared/usecases/personal-data.js';

export const makeHandler = (deps: Deps) =>
  httpRoute({ http: deps.http, auth: { verifier: deps.verifier, role: 'operations' }, body: DataSubjectBody }, async ({ body, principal }) => ({
    status: 200,
    body: await erasePersonalData(deps, body.phone, principal!.subject),
  }));

export const handler = makeHandler(makeDeps(loadConfig()));
