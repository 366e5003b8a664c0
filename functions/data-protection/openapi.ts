// Data protection's part of the OpenAPI document: GDPR export and erasure.
import {
  type FeatureContract,
  ref,
  json,
  problem,
  operation,
  unavailable,
  staff,
  jsonBody,
  jsonBodyAnswers,
  staffAnswers,
} from '#shared/http/openapi.js';
import { DataSubjectBody, ErasureReport, HeldRequest, PersonalDataExport } from './schemas.js';

export const contract: FeatureContract = {
  requestSchemas: { DataSubject: DataSubjectBody },
  responseSchemas: { PersonalDataExport, HeldRequest, ErasureReport },
  paths: {
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
  },
};
