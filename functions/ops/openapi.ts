// GET /openapi.json: the API contract, generated from the same zod schemas that validate requests.
import { httpRoute } from '../../shared/http/route.js';
import { openApiDocument } from '../../shared/http/openapi.js';

const document = openApiDocument();
const corsAllowedOrigins = (process.env.CORS_ALLOWED_ORIGINS ?? '*').split(',');

export const handler = httpRoute({ http: { maxBodyBytes: 0, corsAllowedOrigins } }, () => Promise.resolve({ status: 200, body: document }));
