// Every minute: move emergencies held during a database outage into the system of record.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { loadConfig } from '../../shared/config.js';
import { makeDeps, type Deps } from '../../shared/deps.js';
import { metrics, scheduledJob } from '../../shared/powertools.js';
import { drainIntakeBuffer } from '../../shared/usecases/drain-intake-buffer.js';

export const makeHandler = (deps: Deps) =>
  scheduledJob(async () => {
    const report = await drainIntakeBuffer(deps);
    metrics.addMetric('BufferedEmergenciesReplayed', MetricUnit.Count, report.replayed);
    // Emergencies waiting undispatched in the buffer: resources/alarms.yml pages while it stays above zero.
    metrics.addMetric('IntakeBufferDepth', MetricUnit.Count, report.leftInBuffer);
    return report;
  });

export const handler = makeHandler(makeDeps(loadConfig()));
