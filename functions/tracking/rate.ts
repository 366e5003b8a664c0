// POST /emergencies/{id}/rating: after completion the customer rates the job 1–5, with an optional comment.
import { loadConcerns } from '#shared/config/concern.js';
import type { RouteDeps } from '#shared/compose/http.js';
import { trackingConcerns, trackingRouteDeps } from './compose.js';
import { httpRoute } from '#shared/http/route.js';
import { EmergencyIdPath } from '#shared/schemas/emergency-path.js';
import { RatingBody } from './schemas.js';
import { rateOwnEmergency, type TrackingDeps } from './track-emergency.js';

export const makeHandler = (deps: TrackingDeps & RouteDeps) =>
  httpRoute({ http: deps.http, params: EmergencyIdPath, body: RatingBody }, async ({ params, headers, body }) => {
    const rated = await rateOwnEmergency(deps, params.id, headers['x-tracking-token'], body.rating, body.comment);
    return {
      status: 201,
      body: {
        id: rated.id,
        reference: rated.reference,
        rating: { score: rated.rating!, ...(rated.ratingComment ? { comment: rated.ratingComment } : {}) },
      },
    };
  });

const config = loadConcerns(trackingConcerns);
export const handler = makeHandler(trackingRouteDeps(config));
