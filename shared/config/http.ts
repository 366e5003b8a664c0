// What every HTTP route's chain reads beside the body limit: CORS.
import { concern, field, list } from './concern.js';
import { activeRegionConcern } from './active-region.js';
import { intakeConcern } from './intake.js';

export const httpConcern = concern(
  'http',
  { CORS_ALLOWED_ORIGINS: field(list, 'Comma-separated origins allowed by CORS.', '*') },
  (o) => o.transform((c) => ({ corsAllowedOrigins: c.CORS_ALLOWED_ORIGINS })),
);

/**
 * What every HTTP route's chain reads (shared/compose/http.ts): CORS, the body limit (MAX_BODY_BYTES of intake), and
 * where the active-region record says to serve (shared/compose/active-region.ts, for the routes that refuse in standby).
 */
export const routeConcerns = [httpConcern, intakeConcern, activeRegionConcern] as const;
