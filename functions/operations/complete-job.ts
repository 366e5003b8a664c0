// POST /ops/jobs/{id}/complete: operations close an on-site job without the customer's code, with a reason for the audit trail.
import { loadConcerns } from '#shared/config/concern.js';
import { authConcern } from '#shared/config/auth.js';
import { dataProtectionConcern } from '#shared/config/data-protection.js';
import { databaseConcern } from '#shared/config/database.js';
import { dispatchConcern } from '#shared/config/dispatch.js';
import { dynamodbConcern } from '#shared/config/dynamodb.js';
import { routeConcerns } from '#shared/config/http.js';
import { regionConcern } from '#shared/config/region.js';
import { tablesConcern } from '#shared/config/tables.js';
import { DynamoTechnicianIndex } from '#shared/adapters/dynamodb/technician-index.js';
import { PostgresRequestStore } from '#shared/adapters/postgres/request-store.js';
import { systemClock } from '#shared/adapters/system.js';
import { dynamo } from '#shared/compose/dynamo.js';
import { tokenVerifier, type StaffRouteDeps } from '#shared/compose/http.js';
import { standbyAwareHttpSettings } from '#shared/compose/active-region.js';
import { makePhoneProtection } from '#shared/compose/phones.js';
import { postgres } from '#shared/compose/postgres.js';
import { httpRoute } from '#shared/http/route.js';
import { logger } from '#shared/powertools/logger.js';
import { JobIdPath, OverrideCompletionBody } from '#shared/schemas/technician.js';
import { completeByOverride, type ProofDeps } from '#functions/jobs/index.js';

export const makeHandler = (deps: ProofDeps & StaffRouteDeps) =>
  httpRoute(
    {
      http: deps.http,
      auth: { verifier: deps.verifier, role: 'operations' },
      params: JobIdPath,
      body: OverrideCompletionBody,
    },
    async ({ principal, params, body }) => {
      const job = await completeByOverride(deps, principal!, params.id, body.reason);
      return {
        status: 200,
        body: { id: job.id, reference: job.reference, status: job.status, completedBy: 'override' },
      };
    },
  );

const config = loadConcerns([
  regionConcern,
  databaseConcern,
  dynamodbConcern,
  tablesConcern,
  dataProtectionConcern,
  dispatchConcern,
  authConcern,
  ...routeConcerns,
]);
export const handler = makeHandler({
  requests: new PostgresRequestStore(postgres(config), makePhoneProtection(config)),
  technicians: new DynamoTechnicianIndex(dynamo(config).documents, config.tables.locations),
  clock: systemClock,
  log: logger,
  dispatch: config.dispatch,
  verifier: tokenVerifier(config),
  http: standbyAwareHttpSettings(config, dynamo(config).documents),
});
