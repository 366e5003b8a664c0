// Scheduled daily: anonymises requests closed more than RETENTION_DAYS ago (sls invoke local -f retention to run it).
import { loadConfig } from '../../shared/config.js';
import { makeDeps, type Deps } from '../../shared/deps.js';
import { scheduledJob } from '../../shared/powertools.js';
import { applyRetention } from '../../shared/usecases/personal-data.js';

export const makeHandler = (deps: Deps) => scheduledJob(async () => applyRetention({ ...deps, retentionDays: deps.dataProtection.retentionDays }));

export const handler = makeHandler(makeDeps(loadConfig()));
