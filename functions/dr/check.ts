// Every 5 minutes and from the console: is disaster recovery ready? Publishes DrCheckFailed and the lag figures.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { loadConfig, loadDrConfig } from '../../shared/config.js';
import { makeDeps } from '../../shared/deps.js';
import { makeControlPlane, makeRecoveryDeps } from '../../shared/dr-deps.js';
import { metrics, scheduledJob } from '../../shared/powertools.js';
import { checkDisasterRecovery, type DrCheckDeps } from '../../shared/usecases/dr-check.js';

export const makeHandler = (deps: DrCheckDeps) =>
  scheduledJob(async () => {
    const report = await checkDisasterRecovery(deps);
    metrics.addMetric('DrCheckFailed', MetricUnit.Count, report.status === 'fail' ? 1 : 0);
    const lag = report.checks.find((c) => c.name === 'replication-lag')?.observed;
    if (typeof lag?.replicationLagSeconds === 'number') metrics.addMetric('ReplicationLagSeconds', MetricUnit.Seconds, lag.replicationLagSeconds);
    if (typeof lag?.rpoLagSeconds === 'number') metrics.addMetric('RpoLagSeconds', MetricUnit.Seconds, lag.rpoLagSeconds);
    if (report.rpoEstimate.seconds !== null) metrics.addMetric('RpoEstimateSeconds', MetricUnit.Seconds, report.rpoEstimate.seconds);
    return report;
  });

const config = loadConfig();
const dr = loadDrConfig();
const deps = makeDeps(config);
export const handler = makeHandler({
  ...deps,
  ...makeRecoveryDeps(deps.pool),
  dr,
  controlPlane: makeControlPlane(config, dr),
  tableNames: Object.values(config.tables),
});
