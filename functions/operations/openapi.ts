// Operations' part of the OpenAPI document: actions on a request, the queue, the live map and the figures.
import {
  type FeatureContract,
  ref,
  json,
  problem,
  operation,
  unavailable,
  staff,
  idParam,
  jsonBody,
  jsonBodyAnswers,
  staffAnswers,
} from '#shared/http/openapi.js';
import {
  LiveMap,
  OperationsMetrics,
  OperationsQueue,
  SeverityAssessment,
  SloStatus,
} from '#shared/schemas/operations.js';
import { OverrideCompletionBody } from '#shared/schemas/technician.js';
import { CancelRequestBody, OperationsActionResult, ReassignRequestBody } from './schemas.js';

export const contract: FeatureContract = {
  requestSchemas: {
    OverrideCompletion: OverrideCompletionBody,
    ReassignRequest: ReassignRequestBody,
    CancelRequestByOperations: CancelRequestBody,
  },
  responseSchemas: {
    OperationsActionResult,
    OperationsQueue,
    OperationsMetrics,
    LiveMap,
    SeverityAssessment,
    SloStatus,
  },
  paths: {
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
          "Live business figures (the ones collectMetrics publishes), incident severity, weather level, the SLOs' error budgets and every open incident, for operations and the live view",
        security: staff,
        responses: { '200': json('The figures', ref('OperationsMetrics')), ...staffAnswers, '503': unavailable },
      }),
    },
  },
};
