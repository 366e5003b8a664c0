// Console: puts back requests the audit trail or intake buffer has but PostgreSQL lacks ({"dryRun": false, "operator": "…"} to run).
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { loadConfig } from '../../shared/config.js';
import { makeDeps, type Deps } from '../../shared/deps.js';
import { makeRecoveryDeps, type RecoveryDeps } from '../../shared/dr-deps.js';
import { metrics, scheduledJob } from '../../shared/powertools.js';
import { parseRecoverInput, recoverRequests } from '../../shared/usecases/dr-recover.js';

export const makeHandler = (deps: Deps & RecoveryDeps) =>
  scheduledJob(async (event: unknown) => {
    const report = await recoverRequests(deps, parseRecoverInput(event));
    if (report.result) metrics.addMetric('RequestsRecovered', MetricUnit.Count, report.result.replayedFromAudit + report.result.buffer.replayed);
    return report;
  });

const deps = makeDeps(loadConfig());
export const handler = makeHandler({ ...deps, ...makeRecoveryDeps(deps.pool) });
