// POST /emergencies/{id}/cancel: the customer no longer needs help (fixed it, or got a lift).
import { loadConfig } from '../../shared/config.js';
import { makeDeps, type Deps } from '../../shared/deps.js';
import { httpRoute } from '../../shared/http/route.js';
import { EmergencyIdPath } from '../../shared/schemas/emergency.js';
import { cancelOwnEmergency } from '../../shared/usecases/track-emergency.js';
import { emergencyView } from './view.js';

export const makeHandler = (deps: Deps) =>
  httpRoute({ http: deps.http, params: EmergencyIdPath }, async ({ params, headers }) => {
    const cancelled = await cancelOwnEmergency(deps, params.id, headers['x-tracking-token']);
    return { status: 200, body: emergencyView({ ...cancelled, queued: false }) };
  });

export const handler = makeHandler(makeDeps(loadConfig()));
