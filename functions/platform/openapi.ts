// The platform's part of the OpenAPI document: health, this document, and the operations health report.
import {
  type FeatureContract,
  staffAnswers,
  ref,
  json,
  operation,
  unavailable,
  staff,
  publicAccess,
} from '#shared/http/openapi.js';
import { HealthReport, IntakeHealth } from '#shared/schemas/operations.js';

export const contract: FeatureContract = {
  requestSchemas: {},
  responseSchemas: { HealthReport, IntakeHealth },
  paths: {
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
            'status down: neither the database nor the intake buffer can take an emergency; or standby: another region serves now (activeRegion)',
            ref('IntakeHealth'),
          ),
        },
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
        summary: 'Every dependency, the backlog and the incident severity, for operations; the verdict is in the body',
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
