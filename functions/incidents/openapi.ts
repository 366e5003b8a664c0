// Incident response's part of the OpenAPI document (operations role).
import {
  type FeatureContract,
  json,
  jsonBody,
  jsonBodyAnswers,
  operation,
  problem,
  ref,
  staff,
  staffAnswers,
  unavailable,
} from '#shared/http/openapi.js';
import * as z from 'zod';
import { IncidentConflictProblem } from '#shared/schemas/problem.js';
import {
  EndSurgeBody,
  IncidentRecord,
  IncidentStepBody,
  OpenIncidentBody,
  StartSurgeBody,
  SurgeAnswer,
  incidentActions,
} from './schemas.js';

const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The incident id, INC-YYYYMMDD-HHMMSS (anything else is answered 422)',
  schema: { type: 'string', pattern: '^INC-[0-9]{8}-[0-9]{6}$' },
};

export const contract: FeatureContract = {
  requestSchemas: {
    OpenIncident: OpenIncidentBody,
    IncidentStep: IncidentStepBody,
    StartSurge: StartSurgeBody,
    EndSurge: EndSurgeBody,
  },
  responseSchemas: {
    IncidentConflictProblem,
    Incident: IncidentRecord,
    SurgeAnswer,
    IncidentList: z.object({ open: z.array(IncidentRecord) }).meta({ id: 'IncidentList' }),
    IncidentWithReport: z
      .object({
        incident: IncidentRecord,
        report: z.string().meta({ description: 'The post-incident report (Markdown)' }),
      })
      .meta({ id: 'IncidentWithReport' }),
  },
  paths: {
    '/ops/incidents': {
      get: operation({
        operationId: 'listIncidents',
        summary: 'The unresolved incidents (operations)',
        security: staff,
        responses: { '200': json('The open incidents', ref('IncidentList')), ...staffAnswers, '503': unavailable },
      }),
      post: operation({
        operationId: 'openIncident',
        summary:
          'Open an incident by hand (operations); a P1 or P2 pages the on-call and opens the status page at once',
        security: staff,
        requestBody: jsonBody('OpenIncident'),
        responses: {
          '201': json('The incident', ref('Incident')),
          ...jsonBodyAnswers,
          ...staffAnswers,
          '422': problem('A title or severity is missing or wrong', ref('ValidationProblem')),
          '503': unavailable,
        },
      }),
    },
    '/ops/incidents/{id}': {
      get: operation({
        operationId: 'getIncident',
        summary: 'An incident with its timeline and its post-incident report (Markdown)',
        security: staff,
        parameters: [idParam],
        responses: {
          '200': json('The incident and its report', ref('IncidentWithReport')),
          ...staffAnswers,
          '404': problem('No incident with this id'),
          '422': problem('The id is not an incident id', ref('ValidationProblem')),
          '503': unavailable,
        },
      }),
    },
    '/ops/incidents/{id}/{action}': {
      post: operation({
        operationId: 'actOnIncident',
        summary: `A step of the playbook: ${incidentActions.join(', ')}. resolve needs a passed validate; an update needs a note or a severity (with a reason)`,
        security: staff,
        parameters: [
          idParam,
          { name: 'action', in: 'path', required: true, schema: { type: 'string', enum: [...incidentActions] } },
        ],
        requestBody: { required: false, content: { 'application/json': { schema: ref('IncidentStep') } } },
        responses: {
          '200': json('The incident after the step (diagnose answers its report)', ref('Incident')),
          ...jsonBodyAnswers,
          ...staffAnswers,
          '404': problem('No incident with this id'),
          '409': problem(
            'The step is not allowed in the incident’s status (currentStatus says which), or resolve before a passed validate',
            ref('IncidentConflictProblem'),
          ),
          '422': problem('The id, the action or the body is wrong', ref('ValidationProblem')),
          '503': unavailable,
        },
      }),
    },
    '/ops/surge': {
      post: operation({
        operationId: 'startSurge',
        summary:
          "Surge mode (operations): intake concurrency and database capacity at least a weather level's (default severe) for 1–12 hours; weather scaling never lowers them under it, it ends by itself, and open incidents' timelines record it. Replaces a surge in force.",
        security: staff,
        requestBody: jsonBody('StartSurge'),
        responses: {
          '201': json('The surge, and what happened to capacity', ref('SurgeAnswer')),
          ...jsonBodyAnswers,
          ...staffAnswers,
          '422': problem('hours or reason missing or wrong', ref('ValidationProblem')),
          '503': unavailable,
        },
      }),
      delete: operation({
        operationId: 'endSurge',
        summary: 'End surge mode before its time (operations), with a reason',
        security: staff,
        requestBody: jsonBody('EndSurge'),
        responses: {
          '200': json('The ended surge', ref('SurgeAnswer')),
          ...jsonBodyAnswers,
          ...staffAnswers,
          '409': problem('No surge is in force'),
          '422': problem('The reason is missing', ref('ValidationProblem')),
          '503': unavailable,
        },
      }),
    },
  },
};
