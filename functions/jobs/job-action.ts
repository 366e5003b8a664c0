// POST /jobs/{id}/<action>: the assigned technician accepts, declines, sets off, arrives or completes.
import { loadConfig } from '../../shared/config.js';
import { makeDeps, type Deps } from '../../shared/deps.js';
import { httpRoute } from '../../shared/http/route.js';
import { JobIdPath } from '../../shared/schemas/technician.js';
import { applyJobAction, type TechnicianAction } from '../../shared/usecases/job-actions.js';

export const makeJobActionHandler = (action: TechnicianAction) => (deps: Deps) =>
  httpRoute({ http: deps.http, auth: { verifier: deps.verifier, role: 'technicians' }, params: JobIdPath }, async ({ principal, params }) => {
    const job = await applyJobAction(deps, principal!, params.id, action);
    return { status: 200, body: { id: job.id, reference: job.reference, status: job.status } };
  });

/** Each route is its own Lambda; they differ only in the action. */
export const jobActionLambda = (action: TechnicianAction) => makeJobActionHandler(action)(makeDeps(loadConfig()));
