// PUT /technicians/{id}/location: the van app reports where the technician is.
import { loadConcerns } from '#shared/config/concern.js';
import { authConcern } from '#shared/config/auth.js';
import { dynamodbConcern } from '#shared/config/dynamodb.js';
import { routeConcerns } from '#shared/config/http.js';
import { regionConcern } from '#shared/config/region.js';
import { tablesConcern } from '#shared/config/tables.js';
import { DynamoTechnicianIndex } from '#shared/adapters/dynamodb/technician-index.js';
import { systemClock } from '#shared/adapters/system.js';
import { dynamo } from '#shared/compose/dynamo.js';
import { tokenVerifier, type StaffRouteDeps } from '#shared/compose/http.js';
import { standbyAwareHttpSettings } from '#shared/compose/active-region.js';
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

const config = loadConcerns([regionConcern, dynamodbConcern, tablesConcern, authConcern, ...routeConcerns]);
export const handler = makeHandler({
  technicians: new DynamoTechnicianIndex(dynamo(config).documents, config.tables.locations),
  clock: systemClock,
  verifier: tokenVerifier(config),
  http: standbyAwareHttpSettings(config, dynamo(config).documents),
});
