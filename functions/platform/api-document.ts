// The whole OpenAPI document: each feature declares its own paths and schemas (functions/<feature>/openapi.ts), and
// shared/http/openapi.ts assembles them. A new route is added to its feature's contract, never here.
import { assembleOpenApi } from '#shared/http/openapi.js';
import { contract as dataProtection } from '#functions/data-protection/openapi.js';
import { contract as incidents } from '#functions/incidents/openapi.js';
import { contract as intake } from '#functions/intake/openapi.js';
import { contract as jobs } from '#functions/jobs/openapi.js';
import { contract as operations } from '#functions/operations/openapi.js';
import { contract as technicians } from '#functions/technicians/openapi.js';
import { contract as tracking } from '#functions/tracking/openapi.js';
import { contract as platform } from './openapi.js';

export const openApiDocument = () =>
  assembleOpenApi([intake, tracking, technicians, jobs, operations, incidents, dataProtection, platform]);
