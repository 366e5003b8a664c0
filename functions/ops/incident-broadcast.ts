// Invoked by operations during an incident: {"incidentId": "INC-…"} lists recipients; add "send": true to text them.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { loadConfig } from '../../shared/config.js';
import { makeDeps, type Deps } from '../../shared/deps.js';
import { metrics, scheduledJob } from '../../shared/powertools.js';
import { broadcastIncident, parseBroadcastRequest } from '../../shared/usecases/broadcast-incident.js';

export const makeHandler = (deps: Deps) =>
  scheduledJob(async (event: unknown) => {
    const report = await broadcastIncident(deps, parseBroadcastRequest(event));
    if (!report.dryRun) {
      metrics.addMetric('IncidentBroadcastSent', MetricUnit.Count, report.sent);
      metrics.addMetric('IncidentBroadcastFailed', MetricUnit.Count, report.failed.length);
    }
    return report;
  });

export const handler = makeHandler(makeDeps(loadConfig()));
