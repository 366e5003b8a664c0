// POST /ops/requests/{id}/cancel (operations role): cancel an open request with a reason; its technician is freed and both sides are told.
import {
  loadConcerns,
  linksConcern,
  authConcern,
  databaseConcern,
  dataProtectionConcern,
  dispatchConcern,
  dynamodbConcern,
  httpConcern,
  intakeConcern,
  notifierConcern,
  regionConcern,
  smsConcern,
  tablesConcern,
} from '#shared/config.js';
import { type StaffRouteDeps } from '#shared/compose/http.js';
import { operationsActionRouteDeps } from './compose.js';
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

const config = loadConcerns({
  region: regionConcern,
  database: databaseConcern,
  dynamodb: dynamodbConcern,
  tables: tablesConcern,
  notifier: notifierConcern,
  sms: smsConcern,
  dataProtection: dataProtectionConcern,
  dispatch: dispatchConcern,
  links: linksConcern,
  auth: authConcern,
  http: httpConcern,
  intake: intakeConcern,
});
export const handler = makeHandler(operationsActionRouteDeps(config));
