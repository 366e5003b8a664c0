// The job lifecycle's part of the OpenAPI document: accept, decline, en route, arrived, complete.
import {
  type FeatureContract,
  ref,
  json,
  problem,
  operation,
  unavailable,
  jsonBodyAnswers,
  staff,
  idParam,
  jsonBody,
  staffAnswers,
  type ResponseSpec,
} from '#shared/http/openapi.js';
import { CompleteJobBody, JobView } from '#shared/schemas/technician.js';

const jobAction = (
  action: string,
  summary: string,
  extra: { conflict?: ResponseSpec; invalid?: string; body?: string } = {},
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

export const contract: FeatureContract = {
  requestSchemas: { CompleteJob: CompleteJobBody },
  responseSchemas: { Job: JobView },
  paths: {
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
  },
};
