// POST /ops/requests/{id}/cancel (operations role): cancel an open request with a reason; its technician is freed and both sides are told.
import { loadConcerns } from '#shared/config/concern.js';
import { type StaffRouteDeps } from '#shared/compose/http.js';
import { operationsActionConcerns, operationsActionRouteDeps } from './compose.js';
import { httpRoute } from '#shared/http/route.js';
import { CancelRequestBody } from './schemas.js';
import { JobIdPath } from '#shared/schemas/technician.js';
import { cancelRequest, type OperationsActionDeps } from './operations-actions.js';

export const makeHandler = (deps: OperationsActionDeps & StaffRouteDeps) =>
  httpRoute(
    {
      http: deps.http,
      auth: { verifier: deps.verifier, role: 'operations' },
      params: JobIdPath,
      body: CancelRequestBody,
    },
    async ({ principal, params, body }) => ({
      status: 200,
      body: await cancelRequest(deps, principal!, params.id, body.reason),
    }),
  );

const config = loadConcerns(operationsActionConcerns);
export const handler = makeHandler(operationsActionRouteDeps(config));
