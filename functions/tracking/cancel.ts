// POST /emergencies/{id}/cancel: the customer no longer needs help (fixed it, or got a lift).
import { loadConcerns } from '#shared/config/concern.js';
import type { RouteDeps } from '#shared/compose/http.js';
import { trackingConcerns, trackingRouteDeps } from './compose.js';
import { httpRoute } from '#shared/http/route.js';
import { EmergencyIdPath } from '#shared/schemas/emergency-path.js';
import { cancelOwnEmergency, type TrackingDeps } from './track-emergency.js';
import { emergencyView } from './view.js';

export const makeHandler = (deps: TrackingDeps & RouteDeps) =>
  httpRoute({ http: deps.http, params: EmergencyIdPath }, async ({ params, headers }) => {
    const cancelled = await cancelOwnEmergency(deps, params.id, headers['x-tracking-token']);
    return { status: 200, body: emergencyView({ ...cancelled, queued: false }) };
  });

const config = loadConcerns(trackingConcerns);
export const handler = makeHandler(trackingRouteDeps(config));
