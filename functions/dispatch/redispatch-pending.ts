// Every minute: pending requests are offered again and lapsed offers reclaimed (see functions/dispatch/redispatch.ts).
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  loadConcerns,
  linksConcern,
  databaseConcern,
  dataProtectionConcern,
  dispatchConcern,
  dynamodbConcern,
  notifierConcern,
  regionConcern,
  smsConcern,
  tablesConcern,
} from '#shared/config.js';
import { dispatchDeps } from './compose.js';
import { metrics } from '#shared/powertools/metrics.js';
import { scheduledJob } from '#shared/powertools/scheduled-job.js';
import { redispatch, type RedispatchDeps } from './redispatch.js';

export const makeHandler = (deps: RedispatchDeps) =>
  scheduledJob(async () => {
    const report = await redispatch(deps);
    metrics.addMetric('OffersReclaimed', MetricUnit.Count, report.reclaimed);
    metrics.addMetric('RedispatchAssigned', MetricUnit.Count, report.assigned);
    metrics.addMetric('RedispatchStillPending', MetricUnit.Count, report.stillPending);
    metrics.addMetric('RedispatchSearchQueries', MetricUnit.Count, report.searchQueries);
    return report;
  });

const config = loadConcerns({
  region: regionConcern,
  database: databaseConcern,
  dynamodb: dynamodbConcern,
  tables: tablesConcern,
  notifier: notifierConcern,
  sms: smsConcern,
  dataProtection: dataProtectionConcern,
  dispatch: dispatchConcern,
  links: linksConcern,
});
export const handler = makeHandler(dispatchDeps(config));
