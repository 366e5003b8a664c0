// Tracking's part of the OpenAPI document: the customer follows, cancels and rates their own request.
import {
  type FeatureContract,
  ref,
  json,
  problem,
  operation,
  unavailable,
  publicAccess,
  idParam,
  tokenHeader,
  jsonBody,
  jsonBodyAnswers,
} from '#shared/http/openapi.js';
import { EmergencyView } from '#shared/schemas/emergency.js';
import { RatingBody, RatingRecorded } from './schemas.js';

export const contract: FeatureContract = {
  requestSchemas: { Rating: RatingBody },
  responseSchemas: { Emergency: EmergencyView, RatingRecorded },
  paths: {
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
  },
};
