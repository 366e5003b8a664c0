// Every minute (and by hand): publish the business figures as EMF metrics for the dashboards and alarms.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { loadConfig } from '../../shared/config.js';
import { makeDeps, type Deps } from '../../shared/deps.js';
import { logger, metrics } from '../../shared/powertools.js';
import { asMetrics, computeOperationalFigures } from '../../shared/usecases/operational-figures.js';

export const makeHandler = (deps: Deps) =>
  middy(async () => {
    const figures = await computeOperationalFigures(deps);
    const published = asMetrics(figures);
    for (const { name, unit, value } of published) metrics.addMetric(name, unit, value);
    // Printed by `sls invoke local`, and a record in the logs of what was published.
    return { at: figures.at.toISOString(), metrics: Object.fromEntries(published.map((m) => [m.name, m.value])) };
  })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));

export const handler = makeHandler(makeDeps(loadConfig()));
