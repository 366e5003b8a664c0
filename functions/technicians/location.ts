// PUT /technicians/{id}/location: the van app reports where the technician is.
import { loadConfig } from '../../shared/config.js';
import { makeDeps, type Deps } from '../../shared/deps.js';
import { httpRoute } from '../../shared/http/route.js';
import { LocationBody, TechnicianIdPath } from '../../shared/schemas/technician.js';
import { reportLocation } from '../../shared/usecases/technician-presence.js';

export const makeHandler = (deps: Deps) =>
  httpRoute({ http: deps.http, auth: { verifier: deps.verifier, role: 'technicians' }, params: TechnicianIdPath, body: LocationBody }, async ({ principal, params, body }) => {
    const { applied } = await reportLocation(deps, principal!, params.id, body);
    // An older fix than the one recorded is ignored, not an error: the app may deliver queued fixes late.
    return { status: 200, body: { applied, ...(applied ? {} : { reason: 'a newer location is already recorded' }) } };
  });

export const handler = makeHandler(makeDeps(loadConfig()));
