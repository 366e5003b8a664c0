// Builds the OpenAPI 3.1 document from the zod schemas that validate requests, so the contract cannot drift from the code.
import { z } from 'zod';
import { CreatedEmergency, CreateEmergencyBody, EmergencyView, Problem } from '../schemas/emergency.js';

const json = (schema: z.ZodType, io: 'input' | 'output' = 'output') => ({ schema: z.toJSONSchema(schema, { io, unrepresentable: 'any' }) });
const problem = (description: string) => ({ description, content: { 'application/problem+json': json(Problem) } });
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const tokenHeader = { name: 'X-Tracking-Token', in: 'header', required: true, description: 'The trackingToken returned when the request was created', schema: { type: 'string' } };

export function openApiDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'TyreHero Dispatch API',
      version: '1.0.0',
      description: '24/7 emergency mobile tyre service for the UK and Ireland. Errors are RFC 9457 application/problem+json.',
    },
    paths: {
      '/emergencies': {
        post: {
          operationId: 'createEmergency',
          summary: 'Ask for emergency tyre help',
          parameters: [
            { name: 'Idempotency-Key', in: 'header', required: false, description: 'Retries with the same key replay the first response', schema: { type: 'string', maxLength: 255 } },
          ],
          requestBody: { required: true, content: { 'application/json': json(CreateEmergencyBody, 'input') } },
          responses: {
            '201': { description: 'Stored', content: { 'application/json': json(CreatedEmergency) } },
            '202': { description: 'Accepted into the fallback buffer during a database outage; it will be stored shortly', content: { 'application/json': json(CreatedEmergency) } },
            '400': problem('Malformed JSON or missing body'),
            '409': problem('This phone already has an open request (its reference is in existingReference)'),
            '413': problem('Body too large'),
            '415': problem('Body is not application/json'),
            '422': problem('Invalid fields, unknown postcode, or a location outside the UK and Ireland'),
            '503': problem('Temporarily unable to accept requests'),
          },
        },
      },
      '/emergencies/{id}': {
        get: {
          operationId: 'getEmergency',
          summary: 'Follow your own request',
          parameters: [idParam, tokenHeader],
          responses: {
            '200': { description: 'The request', content: { 'application/json': json(EmergencyView) } },
            '404': problem('Unknown id or wrong tracking token'),
            '422': problem('The id is not a UUID'),
          },
        },
      },
      '/emergencies/{id}/cancel': {
        post: {
          operationId: 'cancelEmergency',
          summary: 'Cancel your own request',
          parameters: [idParam, tokenHeader],
          responses: {
            '200': { description: 'Cancelled', content: { 'application/json': json(EmergencyView) } },
            '404': problem('Unknown id or wrong tracking token'),
            '409': problem('Too late to cancel: currentStatus says why'),
          },
        },
      },
      '/health': {
        get: {
          operationId: 'health',
          summary: 'Dependency and backlog health',
          responses: { '200': { description: 'Healthy' }, '503': { description: 'Degraded or unhealthy, with per-check detail' } },
        },
      },
      '/openapi.json': { get: { operationId: 'openapi', summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1 document' } } } },
    },
  };
}
