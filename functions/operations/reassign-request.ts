// POST /ops/requests/{id}/reassign (operations role): take a request off its technician and dispatch it again, or give it to a chosen one.
import { loadConcerns } from '#shared/config/concern.js';
import { type StaffRouteDeps } from '#shared/compose/http.js';
import { operationsActionConcerns, operationsActionRouteDeps } from './compose.js';
import { httpRoute } from '#shared/http/route.js';
import { ReassignRequestBody } from './schemas.js';
import { JobIdPath } from '#shared/schemas/technician.js';
import { reassignRequest, type OperationsActionDeps } from './operations-actions.js';

export const makeHandler = (deps: OperationsActionDeps & StaffRouteDeps) =>
  httpRoute(
    {
      http: deps.http,
      auth: { verifier: deps.verifier, role: 'operations' },
      params: JobIdPath,
      body: ReassignRequestBody,
    },
    async ({ principal, params, body }) => ({
      status: 200,
      body: await reassignRequest(deps, principal!, params.id, body),
    }),
  );

const config = loadConcerns(operationsActionConcerns);
export const handler = makeHandler(operationsActionRouteDeps(config));
