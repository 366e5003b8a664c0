// Every minute: move emergencies held during a database outage into the system of record.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { loadConfig } from '../../shared/config.js';
import { makeDeps, type Deps } from '../../shared/deps.js';
import { logger, metrics } from '../../shared/powertools.js';
import { drainIntakeBuffer } from '../../shared/usecases/drain-intake-buffer.js';

export const makeHandler = (deps: Deps) =>
  middy(async () => {
    const report = await drainIntakeBuffer(deps);
    metrics.addMetric('BufferedEmergenciesReplayed', MetricUnit.Count, report.replayed);
    return report;
  })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));

export const handler = makeHandler(makeDeps(loadConfig()));
