// Invoked by operations during an incident: {"incidentId": "INC-…"} lists recipients; add "send": true to text them.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { loadConfig } from '../../shared/config.js';
import { makeDeps, type Deps } from '../../shared/deps.js';
import { logger, metrics } from '../../shared/powertools.js';
import { broadcastIncident, parseBroadcastRequest } from '../../shared/usecases/broadcast-incident.js';

export const makeHandler = (deps: Deps) =>
  middy(async (event: unknown) => {
    const report = await broadcastIncident(deps, parseBroadcastRequest(event));
    if (!report.dryRun) {
      metrics.addMetric('IncidentBroadcastSent', MetricUnit.Count, report.sent);
      metrics.addMetric('IncidentBroadcastFailed', MetricUnit.Count, report.failed.length);
    }
    return report;
  })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));

export const handler = makeHandler(makeDeps(loadConfig()));
