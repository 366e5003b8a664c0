// PUT /technicians/{id}/location: the van app reports where the technician is.
import {
  loadConcerns,
  authConcern,
  dynamodbConcern,
  httpConcern,
  intakeConcern,
  regionConcern,
  tablesConcern,
} from '#shared/config.js';
import { DynamoTechnicianIndex } from '#shared/adapters/dynamodb/technician-index.js';
import { systemClock } from '#shared/adapters/system.js';
import { dynamo } from '#shared/compose/dynamo.js';
import { httpSettings, tokenVerifier, type StaffRouteDeps } from '#shared/compose/http.js';
import { httpRoute } from '#shared/http/route.js';
import { LocationBody, TechnicianIdPath } from '#shared/schemas/technician.js';
import { reportLocation, type PresenceDeps } from './technician-presence.js';

export const makeHandler = (deps: PresenceDeps & StaffRouteDeps) =>
  httpRoute(
    {
      http: deps.http,
      auth: { verifier: deps.verifier, role: 'technicians' },
      params: TechnicianIdPath,
      body: LocationBody,
    },
    async ({ principal, params, body }) => {
      const { applied } = await reportLocation(deps, principal!, params.id, body);
      // An older fix than the one recorded is ignored, not an error: the app may deliver queued fixes late.
      return { status: 200, body: { applied, ...(applied ? {} : { reason: 'a newer location is already recorded' }) } };
    },
  );

const config = loadConcerns({
  region: regionConcern,
  dynamodb: dynamodbConcern,
  tables: tablesConcern,
  auth: authConcern,
  http: httpConcern,
  intake: intakeConcern,
});
export const handler = makeHandler({
  technicians: new DynamoTechnicianIndex(dynamo(config).documents, config.tables.locations),
  clock: systemClock,
  verifier: tokenVerifier(config),
  http: httpSettings(config),
});
