// Intake's part of the OpenAPI document: POST /emergencies and the partner route (assembled by functions/platform).
import {
  type FeatureContract,
  ref,
  headerRef,
  json,
  problem,
  operation,
  unavailable,
  partner,
  publicAccess,
  jsonBody,
  jsonBodyAnswers,
  type ResponseSpec,
} from '#shared/http/openapi.js';
import { CreatedEmergency, CreateEmergencyBody, PendingEstimate } from '#shared/schemas/emergency.js';
import { idempotencyKeyMaxLength } from '#shared/http/idempotency.js';

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

export const contract: FeatureContract = {
  requestSchemas: { CreateEmergency: CreateEmergencyBody },
  responseSchemas: { CreatedEmergency, PendingEstimate },
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
          '403': problem('No valid x-api-key: this route is for partner integrations (drivers use POST /emergencies)'),
          '429': problem(
            "This phone sent too many requests this hour, the partner's key used its daily quota, or the gateway throttled",
            { oneOf: [ref('RateLimitedProblem'), ref('Problem')] },
            { headers: { 'Retry-After': headerRef('Retry-After') } },
          ),
        },
      }),
    },
  },
};
