// POST /jobs/{id}/<action>: the assigned technician accepts, declines, sets off, arrives or completes.
import { loadConcerns, authConcern, databaseConcern, dataProtectionConcern, dispatchConcern, dynamodbConcern, httpConcern, intakeConcern, notifierConcern, regionConcern, smsConcern, tablesConcern } from '../../shared/config.js';
import { dispatchDeps } from '../../shared/compose/dispatch.js';
import { httpSettings, tokenVerifier, type StaffRouteDeps } from '../../shared/compose/http.js';
import { httpRoute } from '../../shared/http/route.js';
import { JobIdPath } from '../../shared/schemas/technician.js';
import type { DispatchDeps } from '../../shared/usecases/dispatch.js';
import { applyJobAction, type TechnicianAction } from '../../shared/usecases/job-actions.js';

export type JobActionDeps = DispatchDeps & StaffRouteDeps;

export const makeJobActionHandler = (action: TechnicianAction) => (deps: JobActionDeps) =>
  httpRoute({ http: deps.http, auth: { verifier: deps.verifier, role: 'technicians' }, params: JobIdPath }, async ({ principal, params }) => {
    const job = await applyJobAction(deps, principal!, params.id, action);
    return { status: 200, body: { id: job.id, reference: job.reference, status: job.status } };
  });

function compose(): JobActionDeps {
  const config = loadConcerns({ region: regionConcern, database: databaseConcern, dynamodb: dynamodbConcern, tables: tablesConcern, notifier: notifierConcern, sms: smsConcern, dataProtection: dataProtectionConcern, dispatch: dispatchConcern, auth: authConcern, http: httpConcern, intake: intakeConcern });
  return { ...dispatchDeps(config), verifier: tokenVerifier(config), http: httpSettings(config) };
}

/** Each route is its own Lambda; they differ only in the action. */
export const jobActionLambda = (action: TechnicianAction) => makeJobActionHandler(action)(compose());
