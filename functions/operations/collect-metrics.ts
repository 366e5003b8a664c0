// Every minute (and by hand): publish the business figures as EMF metrics for the dashboards and alarms.
import { loadConcerns } from '#shared/config/concern.js';
import { databaseConcern } from '#shared/config/database.js';
import { dispatchConcern } from '#shared/config/dispatch.js';
import { dynamodbConcern } from '#shared/config/dynamodb.js';
import { intakeConcern } from '#shared/config/intake.js';
import { activeRegionConcern } from '#shared/config/active-region.js';
import { regionConcern } from '#shared/config/region.js';
import { tablesConcern } from '#shared/config/tables.js';
import { DynamoTechnicianIndex } from '#shared/adapters/dynamodb/technician-index.js';
import { PostgresMetricsStore } from '#shared/adapters/postgres/metrics-store.js';
import { systemClock } from '#shared/adapters/system.js';
import { regionRole } from '#shared/compose/active-region.js';
import { dynamo } from '#shared/compose/dynamo.js';
import { postgres } from '#shared/compose/postgres.js';
import { metrics } from '#shared/powertools/metrics.js';
import { scheduledJob, type ActiveRegionOnly } from '#shared/powertools/scheduled-job.js';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchGatewaySloEvents } from '#shared/adapters/cloudwatch/gateway-slo-events.js';
import { DynamoIncidentStore } from '#shared/adapters/dynamodb/incident-store.js';
import { DynamoSloStatusStore } from '#shared/adapters/dynamodb/slo-status.js';
import { namingUnreachable, sdkClientOptions } from '#shared/adapters/sdk-client-options.js';
import { logger } from '#shared/powertools/logger.js';
import type { IncidentStore } from '#shared/ports/incidents.js';
import type { Log } from '#shared/ports/logger.js';
import type { SloStatusStore } from '#shared/ports/slo.js';
import { raiseAssessedIncident } from './assessed-incident.js';
import { operationsConcern, slosConcern } from './config.js';
import { assessFigures } from './operations-view.js';
import { asMetrics, computeOperationalFigures, type FiguresDeps } from './operational-figures.js';
import { evaluateSlos, sloMetrics, type SloDeps } from './slos.js';

export type CollectDeps = FiguresDeps &
  SloDeps &
  ActiveRegionOnly & { sloStatus: SloStatusStore; incidents: IncidentStore; log: Log };

export const makeHandler = (deps: CollectDeps) =>
  scheduledJob(async () => {
    const figures = await computeOperationalFigures(deps);
    const slos = await evaluateSlos(deps, figures.at);
    const published = [...asMetrics(figures), ...sloMetrics(slos)];
    for (const { name, unit, value } of published) metrics.addMetric(name, unit, value);
    // What /ops/metrics and the live view show: kept even if it cannot be, the metrics above are what alarms read.
    const saved = await deps.sloStatus.save(slos).then(
      () => true,
      (error: unknown) => (deps.log.warn('SLO status not saved', { error }), false),
    );
    // A P1 or P2 by the assessor's rules opens (or joins, raising) the assessor's incident; the incidents tick pages.
    const incident = await raiseAssessedIncident(deps.incidents, assessFigures(figures), {
      now: figures.at,
      customersAffected: figures.openPastDeadline,
    }).catch((error: unknown) => {
      deps.log.error('the assessed incident could not be opened', { error });
      return { error: error instanceof Error ? error.message : String(error) };
    });
    // Printed by `sls invoke local`, and a record in the logs of what was published.
    return {
      at: figures.at.toISOString(),
      metrics: Object.fromEntries(published.map((m) => [m.name, m.value])),
      sloStatusSaved: saved,
      ...(slos.unavailable.length ? { slosUnavailable: slos.unavailable } : {}),
      ...(incident ? { incident } : {}),
    };
  }, deps);

const config = loadConcerns([
  regionConcern,
  databaseConcern,
  dynamodbConcern,
  tablesConcern,
  dispatchConcern,
  intakeConcern,
  operationsConcern,
  activeRegionConcern,
  slosConcern,
]);
const { documents } = dynamo(config);
export const handler = makeHandler({
  metricsStore: new PostgresMetricsStore(postgres(config)),
  technicians: new DynamoTechnicianIndex(documents, config.tables.locations),
  regionRole: regionRole(config, documents),
  clock: systemClock,
  dispatch: config.dispatch,
  intake: config.intake,
  operations: config.operations,
  slos: config.slos,
  ...(config.slos.gatewayMetrics === 'cloudwatch'
    ? {
        gateway: new CloudWatchGatewaySloEvents(
          namingUnreachable(new CloudWatchClient({ region: config.region, ...sdkClientOptions('control-plane') })),
          config.slos.apiName!,
          config.slos.objectives.latencyMs,
        ),
      }
    : {}),
  sloStatus: new DynamoSloStatusStore(documents, config.tables.scalingState),
  incidents: new DynamoIncidentStore(documents, config.tables.scalingState),
  log: logger,
});
