// POST /jobs/{id}/<action>: the assigned technician accepts, declines, sets off, arrives or completes.
import { loadConcerns } from '#shared/config/concern.js';
import { authConcern } from '#shared/config/auth.js';
import { dataProtectionConcern } from '#shared/config/data-protection.js';
import { databaseConcern } from '#shared/config/database.js';
import { dispatchConcern } from '#shared/config/dispatch.js';
import { dynamodbConcern } from '#shared/config/dynamodb.js';
import { routeConcerns } from '#shared/config/http.js';
import { linksConcern } from '#shared/config/links.js';
import { notifierConcern } from '#shared/config/notifier.js';
import { regionConcern } from '#shared/config/region.js';
import { smsConcern } from '#shared/config/sms.js';
import { tablesConcern } from '#shared/config/tables.js';
import { dispatchDeps } from '#functions/dispatch/index.js';
import { tokenVerifier, type StaffRouteDeps } from '#shared/compose/http.js';
import { dynamo } from '#shared/compose/dynamo.js';
import { standbyAwareHttpSettings } from '#shared/compose/active-region.js';
import { httpRoute } from '#shared/http/route.js';
import { CompleteJobBody, JobIdPath } from '#shared/schemas/technician.js';
import { applyJobAction, type JobActionDeps as UseCaseDeps, type TechnicianAction } from './job-actions.js';

export type JobActionDeps = UseCaseDeps & StaffRouteDeps;

const jobView = (job: { id: string; reference: string; status: string; completedByMethod?: 'code' | 'override' }) => ({
  id: job.id,
  reference: job.reference,
  status: job.status,
  ...(job.completedByMethod ? { completedBy: job.completedByMethod } : {}),
});

/** Completing takes a body (the customer's arrival code); every other step takes none. */
export const makeJobActionHandler = (action: TechnicianAction) => (deps: JobActionDeps) =>
  action === 'complete'
    ? httpRoute(
        {
          http: deps.http,
          auth: { verifier: deps.verifier, role: 'technicians' },
          params: JobIdPath,
          body: CompleteJobBody,
        },
        async ({ principal, params, body }) => ({
          status: 200,
          body: jobView(await applyJobAction(deps, principal!, params.id, action, { arrivalCode: body.arrivalCode })),
        }),
      )
    : httpRoute(
        { http: deps.http, auth: { verifier: deps.verifier, role: 'technicians' }, params: JobIdPath },
        async ({ principal, params }) => ({
          status: 200,
          body: jobView(await applyJobAction(deps, principal!, params.id, action)),
        }),
      );

function compose(): JobActionDeps {
  const config = loadConcerns([
    regionConcern,
    databaseConcern,
    dynamodbConcern,
    tablesConcern,
    notifierConcern,
    smsConcern,
    dataProtectionConcern,
    dispatchConcern,
    linksConcern,
    authConcern,
    ...routeConcerns,
  ]);
  return {
    ...dispatchDeps(config),
    verifier: tokenVerifier(config),
    http: standbyAwareHttpSettings(config, dynamo(config).documents),
  };
}

/** Each route is its own Lambda; they differ only in the action. */
export const jobActionLambda = (action: TechnicianAction) => makeJobActionHandler(action)(compose());
