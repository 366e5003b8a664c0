// GET /emergencies/{id}: the customer follows their request with the tracking token they were given.
import { loadConcerns } from '#shared/config/concern.js';
import { dispatchConcern } from '#shared/config/dispatch.js';
import type { RouteDeps } from '#shared/compose/http.js';
import { trackingConcerns, trackingRouteDeps } from './compose.js';
import { httpRoute } from '#shared/http/route.js';
import { EmergencyIdOrReferencePath } from '#shared/schemas/emergency-path.js';
import { followOwnEmergency } from './track-emergency.js';
import { emergencyView } from './view.js';

export const makeHandler = (deps: Parameters<typeof followOwnEmergency>[0] & RouteDeps) =>
  httpRoute({ http: deps.http, params: EmergencyIdOrReferencePath }, async ({ params, headers }) => {
    const { request, live, technician } = await followOwnEmergency(deps, params.id, headers['x-tracking-token']);
    return { status: 200, body: emergencyView(request, live, technician) };
  });

const config = loadConcerns([...trackingConcerns, dispatchConcern]);
export const handler = makeHandler({ ...trackingRouteDeps(config), dispatch: config.dispatch });
