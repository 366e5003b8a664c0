// Every 15 minutes (per stage): scale capacity ahead of forecast bad weather. By hand: `{"dryRun": true}` only reports
// the decision; `{"reconcile": true}` re-applies every target (after a deploy has reset them to the template's values).
// Runs outside the VPC: no PostgreSQL here, only the scaling-state and locations tables, the forecast API and the control
// planes.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { unrecordedSynthetic } from '#shared/adapters/notifications/synthetic-guard.js';
import { loadConcerns } from '#shared/config/concern.js';
import { dynamodbConcern } from '#shared/config/dynamodb.js';
import { notifierConcern } from '#shared/config/notifier.js';
import { activeRegionConcern } from '#shared/config/active-region.js';
import { regionConcern } from '#shared/config/region.js';
import { tablesConcern } from '#shared/config/tables.js';
import { weatherConcern } from './config.js';
import { DynamoSurgeStore } from '#shared/adapters/dynamodb/surge.js';
import { DynamoFleetNeedsStore, DynamoScaleStateStore } from '#shared/adapters/dynamodb/weather-level.js';
import { DynamoTechnicianIndex } from '#shared/adapters/dynamodb/technician-index.js';
import { randomIds, systemClock } from '#shared/adapters/system.js';
import { regionRole } from '#shared/compose/active-region.js';
import { dynamo } from '#shared/compose/dynamo.js';
import { notifier } from '#shared/compose/notifier.js';
import { scaler, weatherProvider } from './compose.js';
import { levelRank } from '#shared/domain/weather.js';
import { logger } from '#shared/powertools/logger.js';
import { metrics } from '#shared/powertools/metrics.js';
import { scheduledJob, type ActiveRegionOnly } from '#shared/powertools/scheduled-job.js';
import { runWeatherScaling, type WeatherScalingDeps } from './weather-scaling.js';

/** A scheduled event carries EventBridge fields; only a hand-made event sets these flags. */
type Invocation = { dryRun?: unknown; reconcile?: unknown } | null | undefined;

export const makeHandler = (deps: WeatherScalingDeps & ActiveRegionOnly) =>
  scheduledJob(async (event: Invocation) => {
    const dryRun = event?.dryRun === true;
    const report = await runWeatherScaling(deps, { dryRun, reconcile: event?.reconcile === true });
    if (!dryRun) metrics.addMetric('ForecastFetchFailures', MetricUnit.Count, report.forecast.available ? 0 : 1);
    if (report.outcome === 'completed')
      metrics.addMetric('WeatherAlertLevel', MetricUnit.NoUnit, levelRank(report.state.level));
    // The vans each region is short of for the forecast hours (0 where the fleet on shift covers them), per region.
    for (const need of report.fleetNeeds ?? []) {
      const figure = metrics.singleMetric();
      figure.addDimension('Region', need.region);
      figure.addMetric('VansShort', MetricUnit.Count, need.shortfall?.more ?? 0);
    }
    return report;
  }, deps);

const config = loadConcerns([
  regionConcern,
  dynamodbConcern,
  tablesConcern,
  weatherConcern,
  notifierConcern,
  activeRegionConcern,
]);
const { documents } = dynamo(config);
export const handler = makeHandler({
  weatherProvider: weatherProvider(config),
  scalingState: new DynamoScaleStateStore(documents, config.tables.scalingState),
  surges: new DynamoSurgeStore(documents, config.tables.scalingState),
  regionRole: regionRole(config, documents),
  prescaling: {
    fleet: new DynamoTechnicianIndex(documents, config.tables.locations),
    needs: new DynamoFleetNeedsStore(documents, config.tables.scalingState),
  },
  scaler: scaler(config, logger),
  notifier: notifier(config, logger, unrecordedSynthetic(logger)),
  clock: systemClock,
  ids: randomIds,
  log: logger,
  weatherScaling: config.weather,
});
