// Every minute: pending requests are offered again and lapsed offers reclaimed (see functions/dispatch/redispatch.ts).
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { loadConcerns } from '#shared/config/concern.js';
import { dataProtectionConcern } from '#shared/config/data-protection.js';
import { databaseConcern } from '#shared/config/database.js';
import { dispatchConcern } from '#shared/config/dispatch.js';
import { dynamodbConcern } from '#shared/config/dynamodb.js';
import { linksConcern } from '#shared/config/links.js';
import { notifierConcern } from '#shared/config/notifier.js';
import { activeRegionConcern } from '#shared/config/active-region.js';
import { regionConcern } from '#shared/config/region.js';
import { smsConcern } from '#shared/config/sms.js';
import { tablesConcern } from '#shared/config/tables.js';
import { dispatchDeps } from './compose.js';
import { regionRole } from '#shared/compose/active-region.js';
import { dynamo } from '#shared/compose/dynamo.js';
import { metrics } from '#shared/powertools/metrics.js';
import { scheduledJob, type ActiveRegionOnly } from '#shared/powertools/scheduled-job.js';
import { redispatch, type RedispatchDeps } from './redispatch.js';

export const makeHandler = (deps: RedispatchDeps & ActiveRegionOnly) =>
  scheduledJob(async () => {
    const report = await redispatch(deps);
    metrics.addMetric('OffersReclaimed', MetricUnit.Count, report.reclaimed);
    metrics.addMetric('RedispatchAssigned', MetricUnit.Count, report.assigned);
    metrics.addMetric('RedispatchStillPending', MetricUnit.Count, report.stillPending);
    metrics.addMetric('RedispatchSearchQueries', MetricUnit.Count, report.searchQueries);
    return report;
  }, deps);

const config = loadConcerns([
  regionConcern,
  databaseConcern,
  dynamodbConcern,
  tablesConcern,
  notifierConcern,
  smsConcern,
  dataProtectionConcern,
  dispatchConcern,
  linksConcern,
  activeRegionConcern,
]);
const deps = dispatchDeps(config);
export const handler = makeHandler({ ...deps, regionRole: regionRole(config, dynamo(config).documents) });
