// GET /emergencies/{id}: the customer follows their request with the tracking token they were given.
import { loadConfig } from '../../shared/config.js';
import { makeDeps, type Deps } from '../../shared/deps.js';
import { httpRoute } from '../../shared/http/route.js';
import { EmergencyIdPath } from '../../shared/schemas/emergency.js';
import { followOwnEmergency } from '../../shared/usecases/track-emergency.js';
import { emergencyView } from './view.js';

export const makeHandler = (deps: Deps) =>
  httpRoute({ http: deps.http, params: EmergencyIdPath }, async ({ params, headers }) => {
    const { request, live } = await followOwnEmergency(deps, params.id, headers['x-tracking-token']);
    return { status: 200, body: emergencyView(request, live) };
  });

export const handler = makeHandler(makeDeps(loadConfig()));
