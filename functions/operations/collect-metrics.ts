// Every minute (and by hand): publish the business figures as EMF metrics for the dashboards and alarms.
import { loadConcerns } from '#shared/config/concern.js';
import { databaseConcern } from '#shared/config/database.js';
import { dispatchConcern } from '#shared/config/dispatch.js';
import { dynamodbConcern } from '#shared/config/dynamodb.js';
import { intakeConcern } from '#shared/config/intake.js';
import { activeRegionConcern } from '#shared/config/active-region.js';
import { regionConcern } from '#shared/config/region.js';
import { tablesConcern } from '#shared/config/tables.js';
import { operationsConcern } from './config.js';
import { DynamoTechnicianIndex } from '#shared/adapters/dynamodb/technician-index.js';
import { PostgresMetricsStore } from '#shared/adapters/postgres/metrics-store.js';
import { systemClock } from '#shared/adapters/system.js';
import { regionRole } from '#shared/compose/active-region.js';
import { dynamo } from '#shared/compose/dynamo.js';
import { postgres } from '#shared/compose/postgres.js';
import { metrics } from '#shared/powertools/metrics.js';
import { scheduledJob, type ActiveRegionOnly } from '#shared/powertools/scheduled-job.js';
import { asMetrics, computeOperationalFigures, type FiguresDeps } from './operational-figures.js';

export const makeHandler = (deps: FiguresDeps & ActiveRegionOnly) =>
  scheduledJob(async () => {
    const figures = await computeOperationalFigures(deps);
    const published = asMetrics(figures);
    for (const { name, unit, value } of published) metrics.addMetric(name, unit, value);
    // Printed by `sls invoke local`, and a record in the logs of what was published.
    return { at: figures.at.toISOString(), metrics: Object.fromEntries(published.map((m) => [m.name, m.value])) };
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
});
