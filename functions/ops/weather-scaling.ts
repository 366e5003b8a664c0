// Every 15 minutes (per stage): scale capacity ahead of forecast bad weather. By hand: `{"dryRun": true}` only reports
// the decision; `{"reconcile": true}` re-applies every target (after a deploy has reset them to the template's values).
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { loadConfig } from '../../shared/config.js';
import { makeWeatherScalingDeps, type WeatherScalingRuntimeDeps } from '../../shared/weather-deps.js';
import { levelRank } from '../../shared/domain/weather.js';
import { metrics, scheduledJob } from '../../shared/powertools.js';
import { runWeatherScaling } from '../../shared/usecases/weather-scaling.js';

/** A scheduled event carries EventBridge fields; only a hand-made event sets these flags. */
type Invocation = { dryRun?: unknown; reconcile?: unknown } | null | undefined;

export const makeHandler = (deps: WeatherScalingRuntimeDeps) =>
  scheduledJob(async (event: Invocation) => {
    const dryRun = event?.dryRun === true;
    const report = await runWeatherScaling(deps, { dryRun, reconcile: event?.reconcile === true });
    if (!dryRun) metrics.addMetric('ForecastFetchFailures', MetricUnit.Count, report.forecast.available ? 0 : 1);
    if (report.outcome === 'completed') metrics.addMetric('WeatherAlertLevel', MetricUnit.NoUnit, levelRank(report.state.level));
    return report;
  });

export const handler = makeHandler(makeWeatherScalingDeps(loadConfig()));
