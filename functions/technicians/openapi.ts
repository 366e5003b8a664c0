// The technicians' part of the OpenAPI document: location stream and availability.
import {
  type FeatureContract,
  ref,
  json,
  problem,
  operation,
  unavailable,
  staff,
  technicianIdParam,
  jsonBody,
  jsonBodyAnswers,
  staffAnswers,
} from '#shared/http/openapi.js';
import { LocationBody, LocationRecorded, StatusBody, TechnicianStatusRecorded } from '#shared/schemas/technician.js';

export const contract: FeatureContract = {
  requestSchemas: { TechnicianLocation: LocationBody, TechnicianStatus: StatusBody },
  responseSchemas: { LocationRecorded, TechnicianStatusRecorded },
  paths: {
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
  },
};
