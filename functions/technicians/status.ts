// PUT /technicians/{id}/status: the technician goes available, on a break, or offline.
import { loadConfig } from '../../shared/config.js';
import { makeDeps, type Deps } from '../../shared/deps.js';
import { httpRoute } from '../../shared/http/route.js';
import { StatusBody, TechnicianIdPath } from '../../shared/schemas/technician.js';
import { setTechnicianStatus } from '../../shared/usecases/technician-presence.js';

export const makeHandler = (deps: Deps) =>
  httpRoute({ http: deps.http, auth: { verifier: deps.verifier, role: 'technicians' }, params: TechnicianIdPath, body: StatusBody }, async ({ principal, params, body }) => {
    await setTechnicianStatus(deps, principal!, params.id, body.status);
    return { status: 200, body: { id: params.id, status: body.status } };
  });

export const handler = makeHandler(makeDeps(loadConfig()));
