// Builds the OpenAPI 3.1 document from the zod schemas that validate requests, so the contract cannot drift from the code.
import * as z from 'zod';
import { CreatedEmergency, CreateEmergencyBody, EmergencyView, Problem } from '../schemas/emergency.js';
import { DataSubjectBody } from '../schemas/gdpr.js';
import { JobView, LocationBody, StatusBody } from '../schemas/technician.js';

const json = (schema: z.ZodType, io: 'input' | 'output' = 'output') => ({ schema: z.toJSONSchema(schema, { io, unrepresentable: 'any' }) });
const problem = (description: string) => ({ description, content: { 'application/problem+json': json(Problem) } });
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const staff = [{ staffToken: [] }];
const staffErrors = { '401': problem('No valid access token'), '403': problem('Not your account or job, or not the role this needs') };
const technicianIdParam = { name: 'id', in: 'path', required: true, description: 'Your technician id (the sub of your access token)', schema: { type: 'string' } };
const jobAction = (action: string, summary: string) => ({
  post: {
    operationId: `${action.replace(/-(\w)/g, (_: string, c: string) => c.toUpperCase())}Job`,
    summary,
    security: staff,
    parameters: [idParam],
    responses: {
      '200': { description: 'The job after the step', content: { 'application/json': json(JobView) } },
      ...staffErrors,
      '404': problem('No job with this id'),
      '409': problem('Not allowed from the current status (currentStatus says which)'),
    },
  },
});
const tokenHeader = { name: 'X-Tracking-Token', in: 'header', required: true, description: 'The trackingToken returned when the request was created', schema: { type: 'string' } };

export function openApiDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'TyreHero Dispatch API',
      version: '1.0.0',
      description: '24/7 emergency mobile tyre service for the UK and Ireland. Errors are RFC 9457 application/problem+json.',
    },
    components: {
      securitySchemes: {
        staffToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Cognito access token of a technician or operations user' },
      },
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
            '429': problem('This phone sent too many requests this hour (Retry-After says when to try again; call 999 if in danger)'),
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
      '/technicians/{id}/location': {
        put: {
          operationId: 'updateTechnicianLocation',
          summary: 'Report where you are (technicians, for themselves only); an older fix than the one held is ignored',
          security: staff,
          parameters: [technicianIdParam],
          requestBody: { required: true, content: { 'application/json': json(LocationBody, 'input') } },
          responses: { '200': { description: 'applied: false when a newer fix is already recorded' }, ...staffErrors, '422': problem('Invalid coordinates or time') },
        },
      },
      '/technicians/{id}/status': {
        put: {
          operationId: 'updateTechnicianStatus',
          summary: 'Go available, on a break, or offline',
          security: staff,
          parameters: [technicianIdParam],
          requestBody: { required: true, content: { 'application/json': json(StatusBody, 'input') } },
          responses: { '200': { description: 'Recorded' }, ...staffErrors, '409': problem('You hold a job, or have not sent a location yet'), '422': problem('Unknown status') },
        },
      },
      '/jobs/{id}/accept': jobAction('accept', 'Accept the job offered to you'),
      '/jobs/{id}/decline': jobAction('decline', 'Decline it; it is offered to the next nearest technician'),
      '/jobs/{id}/en-route': jobAction('en-route', 'Set off; the customer is told'),
      '/jobs/{id}/arrived': jobAction('arrived', 'Arrive; the customer is told'),
      '/jobs/{id}/complete': jobAction('complete', 'Finish; you are free for the next job'),
      '/ops/gdpr/export': {
        post: {
          operationId: 'exportPersonalData',
          summary: 'Everything held about a customer phone number, as one JSON document (operations)',
          security: staff,
          requestBody: { required: true, content: { 'application/json': json(DataSubjectBody, 'input') } },
          responses: {
            '200': { description: 'Requests, status history, audit trail and messages sent (empty lists when nothing is held)' },
            '400': problem('Malformed JSON or missing body'),
            ...staffErrors,
            '413': problem('Body too large'),
            '415': problem('Body is not application/json'),
            '422': problem('Not a valid phone number'),
          },
        },
      },
      '/ops/gdpr/erase': {
        post: {
          operationId: 'erasePersonalData',
          summary: 'Anonymise everything held about a customer phone number (operations)',
          security: staff,
          requestBody: { required: true, content: { 'application/json': json(DataSubjectBody, 'input') } },
          responses: {
            '200': { description: 'How many requests were anonymised, and their ids' },
            '400': problem('Malformed JSON or missing body'),
            ...staffErrors,
            '409': problem('The customer still has an open request (openReferences says which)'),
            '413': problem('Body too large'),
            '415': problem('Body is not application/json'),
            '422': problem('Not a valid phone number'),
          },
        },
      },
      '/ops/queue': {
        get: {
          operationId: 'opsQueue',
          summary: 'Live queue for operations: counts by status, oldest pending, SLA at risk, available technicians',
          security: staff,
          responses: { '200': { description: 'The queue' }, ...staffErrors },
        },
      },
      '/ops/metrics': {
        get: {
          operationId: 'opsMetrics',
          summary: 'Live business figures (the ones collectMetrics publishes), incident severity and weather level, for operations',
          security: staff,
          responses: { '200': { description: 'The figures' }, ...staffErrors },
        },
      },
      '/openapi.json': { get: { operationId: 'openapi', summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1 document' } } } },
    },
  };
}
