// GET /openapi.json: the API contract, generated from the same zod schemas that validate requests (at package time).
import { document } from '../../shared/http/openapi-document.js';
import { httpRoute } from '../../shared/http/route.js';

const corsAllowedOrigins = (process.env.CORS_ALLOWED_ORIGINS ?? '*').split(',');

export const handler = httpRoute({ http: { maxBodyBytes: 0, corsAllowedOrigins } }, () =>
  Promise.resolve({ status: 200, body: document }),
);
