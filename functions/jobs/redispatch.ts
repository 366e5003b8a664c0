// Every minute: pending requests are offered again and lapsed offers reclaimed (see shared/usecases/redispatch.ts).
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { loadConfig } from '../../shared/config.js';
import { makeDeps, type Deps } from '../../shared/deps.js';
import { metrics, scheduledJob } from '../../shared/powertools.js';
import { redispatch } from '../../shared/usecases/redispatch.js';

export const makeHandler = (deps: Deps) =>
  scheduledJob(async () => {
    const report = await redispatch(deps);
    metrics.addMetric('OffersReclaimed', MetricUnit.Count, report.reclaimed);
    metrics.addMetric('RedispatchAssigned', MetricUnit.Count, report.assigned);
    metrics.addMetric('RedispatchStillPending', MetricUnit.Count, report.stillPending);
    metrics.addMetric('RedispatchSearchQueries', MetricUnit.Count, report.searchQueries);
    return report;
  });

export const handler = makeHandler(makeDeps(loadConfig()));
