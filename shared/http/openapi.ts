// Builds the OpenAPI 3.1 document from the zod schemas that validate requests, so the contract cannot drift from the code.
// A pure function of the schemas: it can run at build time or when the document is served.
import * as z from 'zod';
import { CreatedEmergency, CreateEmergencyBody, EmergencyView } from '../schemas/emergency.js';
import { RatingBody, RatingRecorded } from '../schemas/rating.js';
import { DataSubjectBody, ErasureReport, HeldRequest, PersonalDataExport } from '../schemas/gdpr.js';
import {
  HealthReport,
  IntakeHealth,
  LiveMap,
  OperationsMetrics,
  OperationsQueue,
  SeverityAssessment,
} from '../schemas/operations.js';
import {
  ArrivalConflictProblem,
  ReassignConflictProblem,
  DuplicateEmergencyProblem,
  FieldProblem,
  OpenRequestsProblem,
  Problem,
  RateLimitedProblem,
  StatusConflictProblem,
  ValidationProblem,
} from '../schemas/problem.js';
import { CancelRequestBody, OperationsActionResult, ReassignRequestBody } from '../schemas/operations-actions.js';
import {
  CompleteJobBody,
  JobView,
  LocationBody,
  OverrideCompletionBody,
  LocationRecorded,
  StatusBody,
  TechnicianStatusRecorded,
} from '../schemas/technician.js';
import { idempotencyKeyMaxLength } from './idempotency.js';

/** Request bodies are described as clients send them (before zod's transforms and defaults). */
const requestSchemas = {
  CreateEmergency: CreateEmergencyBody,
  Rating: RatingBody,
  CompleteJob: CompleteJobBody,
  OverrideCompletion: OverrideCompletionBody,
  ReassignRequest: ReassignRequestBody,
  CancelRequestByOperations: CancelRequestBody,
  TechnicianLocation: LocationBody,
  TechnicianStatus: StatusBody,
  DataSubject: DataSubjectBody,
};
/** Response bodies are described as the code produces them; objects are closed, so an extra member is a contract change. */
const responseSchemas = {
  CreatedEmergency,
  Emergency: EmergencyView,
  RatingRecorded,
  Job: JobView,
  LocationRecorded,
  TechnicianStatusRecorded,
  HealthReport,
  IntakeHealth,
  OperationsQueue,
  OperationsMetrics,
  LiveMap,
  OperationsActionResult,
  SeverityAssessment,
  PersonalDataExport,
  HeldRequest,
  ErasureReport,
  Problem,
  FieldProblem,
  ValidationProblem,
  StatusConflictProblem,
  ArrivalConflictProblem,
  ReassignConflictProblem,
  DuplicateEmergencyProblem,
  RateLimitedProblem,
  OpenRequestsProblem,
};
type SchemaName = keyof typeof requestSchemas | keyof typeof responseSchemas;

type JsonSchema = Record<string, unknown>;

/** Named zod schemas → components.schemas, nested named schemas as $refs into components (never #/$defs). */
function componentSchemas(named: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io,
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  });
  // zod puts schemas that carry an id in the global registry but were not listed here under __shared: list them instead.
  if ('__shared' in schemas)
    throw new Error(
      `List every named schema in shared/http/openapi.ts; unlisted: ${Object.keys((schemas.__shared as { $defs?: object }).$defs ?? {}).join(', ')}`,
    );
  // Inside an OpenAPI document each schema is located by its place in components, so the generator's $schema and
  // fragment-only $id (which would re-base relative $refs) are dropped.
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _schema, $id: _id, ...schema }]) => [id, schema as JsonSchema]),
  );
}

function allComponentSchemas(): Record<string, JsonSchema> {
  const input = componentSchemas(requestSchemas, 'input');
  const output = componentSchemas(responseSchemas, 'output');
  for (const id of Object.keys(input)) {
    if (id in output && JSON.stringify(input[id]) !== JSON.stringify(output[id]))
      throw new Error(`OpenAPI schema ${id} differs as a request and as a response; give one of them its own id`);
  }
  return { ...output, ...input };
}

const ref = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` });
const headerRef = (name: keyof typeof headers) => ({ $ref: `#/components/headers/${name}` });

const headers = {
  Location: {
    description: 'Where to read the new request (GET /emergencies/{id}, with the tracking token)',
    required: true,
    schema: { type: 'string' },
  },
  'WWW-Authenticate': {
    description: 'Always "Bearer": send a Cognito access token',
    required: true,
    schema: { type: 'string', const: 'Bearer' },
  },
  'Retry-After': {
    description: 'Seconds to wait before retrying',
    required: true,
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
};

interface ResponseSpec {
  description: string;
  content?: Record<string, { schema: JsonSchema }>;
  headers?: Record<string, unknown>;
}

const json = (
  description: string,
  schema: JsonSchema,
  extra: Omit<ResponseSpec, 'description' | 'content'> = {},
): ResponseSpec => ({ description, content: { 'application/json': { schema } }, ...extra });
const problem = (
  description: string,
  schema: JsonSchema = ref('Problem'),
  extra: Omit<ResponseSpec, 'description' | 'content'> = {},
): ResponseSpec => ({
  description,
  content: { 'application/problem+json': { schema } },
  ...extra,
});

// Answers any route can give, from our code or from API Gateway itself (resources/apigateway.yml shapes those as Problem too).
const gatewayAnswers = {
  '413': problem('Body larger than the gateway accepts (10 MB), or than the route accepts'),
  '429': problem('Throttled by the gateway: too many requests right now', ref('Problem'), {
    headers: { 'Retry-After': headerRef('Retry-After') },
  }),
  '500': problem(
    'Something went wrong on our side (a defect, or a gateway/integration failure); internals are never included',
  ),
};
const unavailable = problem(
  'A dependency (database, table) is unreachable right now; retry after the given seconds',
  ref('Problem'),
  { headers: { 'Retry-After': headerRef('Retry-After') } },
);
const jsonBodyAnswers = {
  '400': problem('Malformed JSON or no body'),
  '413': problem('Body larger than 16 KiB (or than the gateway accepts)'),
  '415': problem('Body is not sent as application/json'),
};
const staffAnswers = {
  '401': problem('No valid access token', ref('Problem'), {
    headers: { 'WWW-Authenticate': headerRef('WWW-Authenticate') },
  }),
  '403': problem('Not your account or job, or not the role this needs'),
};
const staff = [{ staffToken: [] }];
/** Partner integrations: an API Gateway API key, with its usage plan's throttle and daily quota. */
const partner = [{ partnerKey: [] }];
/** Customer routes are guarded by the tracking token (a parameter), not by sign-in. */
const publicAccess: never[] = [];

const idParam = (what: string) => ({
  name: 'id',
  in: 'path',
  required: true,
  description: `The ${what} id (a UUID; anything else is answered 422)`,
  schema: { type: 'string' },
});
const technicianIdParam = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'Your technician id (the sub of your access token)',
  schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' },
};
const tokenHeader = {
  name: 'X-Tracking-Token',
  in: 'header',
  required: true,
  description: 'The trackingToken returned when the request was created',
  schema: { type: 'string' },
};
const jsonBody = (name: SchemaName) => ({ required: true, content: { 'application/json': { schema: ref(name) } } });

/** Every operation answers the gateway's own statuses; a route's own description of them wins. */
const operation = (spec: { responses: Record<string, ResponseSpec> } & Record<string, unknown>) => ({
  ...spec,
  responses: { ...gatewayAnswers, ...spec.responses },
});

/** POST /emergencies, and the same intake for partner integrations behind an API key. */
const createEmergencyOperation = (over: {
  operationId: string;
  security: unknown[];
  summary: string;
  extra?: Record<string, ResponseSpec>;
}) =>
  operation({
    operationId: over.operationId,
    security: over.security,
    summary: over.summary,
    parameters: [
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          'Retries with the same key and body replay the first response; the same key with another body is answered 422',
        schema: { type: 'string', minLength: 1, maxLength: idempotencyKeyMaxLength },
      },
    ],
    requestBody: jsonBody('CreateEmergency'),
    responses: {
      '201': json('Stored', ref('CreatedEmergency'), { headers: { Location: headerRef('Location') } }),
      '202': json(
        'Accepted into the fallback buffer during a database outage; it will be stored shortly',
        ref('CreatedEmergency'),
        { headers: { Location: headerRef('Location') } },
      ),
      ...jsonBodyAnswers,
      '409': problem(
        'This phone already has an open request (existingReference and existingStatus say which), or a request with this Idempotency-Key is still in progress (retry shortly to get its answer)',
        { oneOf: [ref('DuplicateEmergencyProblem'), ref('Problem')] },
      ),
      '422': problem(
        'Invalid fields, unknown postcode, a location outside the UK and Ireland, an Idempotency-Key longer than 255 characters, or a key reused with another body',
        ref('ValidationProblem'),
      ),
      '429': problem(
        'This phone sent too many requests this hour (retryAfterSeconds and Retry-After say when to try again; call 999 if in danger), or the gateway throttled',
        { oneOf: [ref('RateLimitedProblem'), ref('Problem')] },
        { headers: { 'Retry-After': headerRef('Retry-After') } },
      ),
      '503': unavailable,
      ...over.extra,
    },
  });

const jobAction = (
  action: string,
  summary: string,
  extra: { conflict?: ResponseSpec; invalid?: string; body?: SchemaName } = {},
) => ({
  post: operation({
    operationId: `${action.replace(/-(\w)/g, (_: string, c: string) => c.toUpperCase())}Job`,
    summary,
    security: staff,
    parameters: [idParam('job')],
    ...(extra.body ? { requestBody: jsonBody(extra.body) } : {}),
    responses: {
      '200': json('The job after the step', ref('Job')),
      ...(extra.body ? jsonBodyAnswers : {}),
      ...staffAnswers,
      '404': problem('No job with this id'),
      '409':
        extra.conflict ??
        problem('Not allowed from the current status (currentStatus says which)', ref('StatusConflictProblem')),
      '422': problem(extra.invalid ?? 'The id is not a UUID', ref('ValidationProblem')),
      '503': unavailable,
    },
  }),
});

export function openApiDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'TyreHero Dispatch API',
      version: '1.0.0',
      description: [
        '24/7 emergency mobile tyre service for the UK and Ireland.',
        'Errors are RFC 9457 application/problem+json: a base Problem, and per answer the extension members it adds.',
        'Every response also carries security headers (Strict-Transport-Security, X-Content-Type-Options, X-Frame-Options,',
        'Content-Security-Policy, Referrer-Policy, Cache-Control: no-store) and CORS headers; they are not repeated per response.',
      ].join(' '),
    },
    // Relative to where this document is served, so it holds for every stage and for npm start.
    servers: [{ url: '.', description: 'The API that serves this document' }],
    components: {
      schemas: allComponentSchemas(),
      headers,
      securitySchemes: {
        staffToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Cognito access token of a technician or operations user',
        },
        partnerKey: {
          type: 'apiKey',
          in: 'header',
          name: 'x-api-key',
          description: 'API key TyreHero issued to a partner integration (stages with partnerApiKeys on)',
        },
      },
    },
    // The JSON API only: the web pages (GET /t/{reference}, /ops/live, /assets/{file}) are HTML served by functions/pages,
    // hold no data and take no input but their path (README, "Web pages"; tests/unit/pages-serve.test.ts).
    paths: {
      '/emergencies': {
        post: createEmergencyOperation({
          operationId: 'createEmergency',
          security: publicAccess,
          summary: 'Ask for emergency tyre help',
        }),
      },
      '/partner/emergencies': {
        post: createEmergencyOperation({
          operationId: 'createPartnerEmergency',
          security: partner,
          summary: 'A partner integration (breakdown network, fleet operator) asks for help on behalf of a driver',
          extra: {
            '403': problem(
              'No valid x-api-key: this route is for partner integrations (drivers use POST /emergencies)',
            ),
            '429': problem(
              "This phone sent too many requests this hour, the partner's key used its daily quota, or the gateway throttled",
              { oneOf: [ref('RateLimitedProblem'), ref('Problem')] },
              { headers: { 'Retry-After': headerRef('Retry-After') } },
            ),
          },
        }),
      },
      '/emergencies/{id}': {
        get: operation({
          operationId: 'getEmergency',
          security: publicAccess,
          summary: 'Follow your own request',
          parameters: [
            {
              name: 'id',
              in: 'path',
              required: true,
              description:
                'The emergency id, or its booking reference (TH-XXXXXX) as in the tracking page link; anything else is answered 422',
              schema: { type: 'string' },
            },
            tokenHeader,
          ],
          responses: {
            '200': json('The request', ref('Emergency')),
            '404': problem('Unknown id or reference, or wrong tracking token'),
            '422': problem('The id is neither a UUID nor a booking reference', ref('ValidationProblem')),
            '503': unavailable,
          },
        }),
      },
      '/emergencies/{id}/cancel': {
        post: operation({
          operationId: 'cancelEmergency',
          security: publicAccess,
          summary: 'Cancel your own request',
          parameters: [idParam('emergency'), tokenHeader],
          responses: {
            '200': json('Cancelled', ref('Emergency')),
            '404': problem('Unknown id or wrong tracking token'),
            '409': problem('Too late to cancel: currentStatus says why', ref('StatusConflictProblem')),
            '422': problem('The id is not a UUID', ref('ValidationProblem')),
            '503': unavailable,
          },
        }),
      },
      '/emergencies/{id}/rating': {
        post: operation({
          operationId: 'rateEmergency',
          security: publicAccess,
          summary: 'Rate your completed job once, 1–5, with an optional comment',
          parameters: [idParam('emergency'), tokenHeader],
          requestBody: jsonBody('Rating'),
          responses: {
            '201': json('Stored', ref('RatingRecorded')),
            ...jsonBodyAnswers,
            '404': problem('Unknown id or wrong tracking token'),
            '409': problem(
              'Not completed yet, or already rated (currentStatus says which)',
              ref('StatusConflictProblem'),
            ),
            '422': problem(
              'The id is not a UUID, or the rating is not a whole number from 1 to 5, or the comment is too long or not plain text',
              ref('ValidationProblem'),
            ),
            '503': unavailable,
          },
        }),
      },
      '/health': {
        get: operation({
          operationId: 'health',
          security: publicAccess,
          summary:
            'Can this region take an emergency? Shallow and cheap, for Route 53 and load balancers; a backlog never fails it',
          responses: {
            '200': json(
              'status ok (the database answers) or buffering (it does not, but the intake buffer takes writes)',
              ref('IntakeHealth'),
            ),
            '503': json(
              'status down: neither the database nor the intake buffer can take an emergency',
              ref('IntakeHealth'),
            ),
          },
        }),
      },
      '/technicians/{id}/location': {
        put: operation({
          operationId: 'updateTechnicianLocation',
          summary: 'Report where you are (technicians, for themselves only); an older fix than the one held is ignored',
          security: staff,
          parameters: [technicianIdParam],
          requestBody: jsonBody('TechnicianLocation'),
          responses: {
            '200': json(
              'Recorded, or ignored (applied: false) when a newer fix is already recorded',
              ref('LocationRecorded'),
            ),
            ...jsonBodyAnswers,
            ...staffAnswers,
            '422': problem('Invalid coordinates, time or technician id', ref('ValidationProblem')),
            '503': unavailable,
          },
        }),
      },
      '/technicians/{id}/status': {
        put: operation({
          operationId: 'updateTechnicianStatus',
          summary: 'Go available, on a break, or offline',
          security: staff,
          parameters: [technicianIdParam],
          requestBody: jsonBody('TechnicianStatus'),
          responses: {
            '200': json('Recorded', ref('TechnicianStatusRecorded')),
            ...jsonBodyAnswers,
            ...staffAnswers,
            '409': problem('You hold a job, or have not sent a location yet'),
            '422': problem('Unknown status or invalid technician id', ref('ValidationProblem')),
            '503': unavailable,
          },
        }),
      },
      '/jobs/{id}/accept': jobAction('accept', 'Accept the job offered to you'),
      '/jobs/{id}/decline': jobAction('decline', 'Decline it; it is offered to the next nearest technician'),
      '/jobs/{id}/en-route': jobAction('en-route', 'Set off; the customer is told'),
      '/jobs/{id}/arrived': jobAction(
        'arrived',
        'Arrive: accepted only when your latest position (at most LOCATION_FRESH_MINUTES old) is within ARRIVAL_RADIUS_METERS of the breakdown; the customer is told',
        {
          conflict: problem(
            'Not allowed from the current status (currentStatus says which), or you are not at the breakdown yet: reason too-far with distanceMeters, or no-fresh-position',
            { oneOf: [ref('ArrivalConflictProblem'), ref('StatusConflictProblem')] },
          ),
        },
      ),
      '/jobs/{id}/complete': jobAction(
        'complete',
        "Finish with the customer's 4-digit arrival code (from their tracking page); you are free for the next job",
        {
          body: 'CompleteJob',
          conflict: problem(
            'Not allowed from the current status (currentStatus says which), or too many wrong codes (reason code-locked: operations can close it)',
            { oneOf: [ref('ArrivalConflictProblem'), ref('StatusConflictProblem')] },
          ),
          invalid:
            'The id is not a UUID, or the arrival code is missing, malformed or wrong (the detail says how many tries are left)',
        },
      ),
      '/ops/jobs/{id}/complete': {
        post: operation({
          operationId: 'completeJobByOverride',
          summary:
            "Close an on-site job without the customer's arrival code (operations); the reason and who are kept in the audit trail, and the arrival no longer counts as verified",
          security: staff,
          parameters: [idParam('job')],
          requestBody: jsonBody('OverrideCompletion'),
          responses: {
            '200': json('The job, completed by override', ref('Job')),
            ...jsonBodyAnswers,
            ...staffAnswers,
            '404': problem('No job with this id'),
            '409': problem('Only a job on site can be closed (currentStatus says which)', ref('StatusConflictProblem')),
            '422': problem('The id is not a UUID, or the reason is missing or too short', ref('ValidationProblem')),
            '503': unavailable,
          },
        }),
      },
      '/ops/requests/{id}/reassign': {
        post: operation({
          operationId: 'reassignRequest',
          summary:
            'Take an open request off its technician (operations): they are freed and told, and dispatch offers it to the nearest other one (or to technicianId, if it names an available technician); if nobody can take it, it stays pending with slaAtRisk and redispatch carries on. The customer is texted. The reason and who are kept in the audit trail',
          security: staff,
          parameters: [idParam('request')],
          requestBody: jsonBody('ReassignRequest'),
          responses: {
            '200': json(
              'The request after the reassignment: assigned to someone new, or pending',
              ref('OperationsActionResult'),
            ),
            ...jsonBodyAnswers,
            ...staffAnswers,
            '404': problem('No request with this id'),
            '409': problem(
              'The request is completed or cancelled, is already with that technician, or the chosen technician cannot take it (busy, on a break, offline, silent, never located, or of the other fleet); the detail says what to do',
              { oneOf: [ref('ReassignConflictProblem'), ref('StatusConflictProblem')] },
            ),
            '422': problem(
              'The id is not a UUID, the reason is missing, shorter than 3 or longer than 500 characters, or technicianId is malformed',
              ref('ValidationProblem'),
            ),
            '503': unavailable,
          },
        }),
      },
      '/ops/requests/{id}/cancel': {
        post: operation({
          operationId: 'cancelRequestByOperations',
          summary:
            'Cancel an open request, on site included (operations): its technician is freed, and the customer and technician are texted. The reason and who are kept in the audit trail',
          security: staff,
          parameters: [idParam('request')],
          requestBody: jsonBody('CancelRequestByOperations'),
          responses: {
            '200': json('The cancelled request', ref('OperationsActionResult')),
            ...jsonBodyAnswers,
            ...staffAnswers,
            '404': problem('No request with this id'),
            '409': problem(
              'The request is already completed or cancelled (currentStatus says which)',
              ref('StatusConflictProblem'),
            ),
            '422': problem(
              'The id is not a UUID, or the reason is missing, shorter than 3 or longer than 500 characters',
              ref('ValidationProblem'),
            ),
            '503': unavailable,
          },
        }),
      },
      '/ops/gdpr/export': {
        post: operation({
          operationId: 'exportPersonalData',
          summary: 'Everything held about a customer phone number, as one JSON document (operations)',
          security: staff,
          requestBody: jsonBody('DataSubject'),
          responses: {
            '200': json(
              'Requests, status history, audit trail and messages sent (empty lists when nothing is held)',
              ref('PersonalDataExport'),
            ),
            ...jsonBodyAnswers,
            ...staffAnswers,
            '422': problem('Not a valid phone number', ref('ValidationProblem')),
            '503': unavailable,
          },
        }),
      },
      '/ops/gdpr/erase': {
        post: operation({
          operationId: 'erasePersonalData',
          summary: 'Anonymise everything held about a customer phone number (operations)',
          security: staff,
          requestBody: jsonBody('DataSubject'),
          responses: {
            '200': json('How many requests were anonymised, and their ids', ref('ErasureReport')),
            ...jsonBodyAnswers,
            ...staffAnswers,
            '409': problem(
              'The customer still has an open request (openReferences says which)',
              ref('OpenRequestsProblem'),
            ),
            '422': problem('Not a valid phone number', ref('ValidationProblem')),
            '503': unavailable,
          },
        }),
      },
      '/ops/queue': {
        get: operation({
          operationId: 'opsQueue',
          summary: 'Live queue for operations: counts by status, oldest pending, SLA at risk, available technicians',
          security: staff,
          responses: { '200': json('The queue', ref('OperationsQueue')), ...staffAnswers, '503': unavailable },
        }),
      },
      '/ops/live-map': {
        get: operation({
          operationId: 'opsLiveMap',
          summary:
            'Every technician (available, busy, silent, on a break) with the last-seen age, every open request with its SLA risk, and the weather level per region, for the live view (operations); the queue figures and severity are in /ops/queue and /ops/metrics',
          security: staff,
          responses: { '200': json('The map', ref('LiveMap')), ...staffAnswers, '503': unavailable },
        }),
      },
      '/ops/metrics': {
        get: operation({
          operationId: 'opsMetrics',
          summary:
            'Live business figures (the ones collectMetrics publishes), incident severity and weather level, for operations',
          security: staff,
          responses: { '200': json('The figures', ref('OperationsMetrics')), ...staffAnswers, '503': unavailable },
        }),
      },
      '/openapi.json': {
        get: operation({
          operationId: 'openapi',
          security: publicAccess,
          summary: 'This document',
          responses: {
            '200': json('OpenAPI 3.1 document', {
              type: 'object',
              required: ['openapi', 'info', 'paths'],
              properties: {
                openapi: { type: 'string', pattern: '^3\\.1\\.\\d+$' },
                info: { type: 'object' },
                paths: { type: 'object' },
              },
            }),
          },
        }),
      },
      '/ops/health': {
        get: operation({
          operationId: 'opsHealth',
          summary:
            'Every dependency, the backlog and the incident severity, for operations; the verdict is in the body',
          security: staff,
          responses: {
            '200': json(
              'The health report (status healthy, degraded or unhealthy, with per-check detail)',
              ref('HealthReport'),
            ),
            ...staffAnswers,
            '503': unavailable,
          },
        }),
      },
    },
  };
}
