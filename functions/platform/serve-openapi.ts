// GET /openapi.json: the API contract, generated from the same zod schemas that validate requests (at package time).
import { httpRoute } from '#shared/http/route.js';
import { document } from './openapi-document.js';

const corsAllowedOrigins = (process.env.CORS_ALLOWED_ORIGINS ?? '*').split(',');

export const handler = httpRoute({ http: { maxBodyBytes: 0, corsAllowedOrigins } }, () =>
  Promise.resolve({ status: 200, body: document }),
);
