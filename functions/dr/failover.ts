// Console, in the region being promoted: switchover (planned) or failover (disaster) of the Aurora Global Database.
import { RDSClient } from '@aws-sdk/client-rds';
import { loadConfig, loadDrConfig } from '../../shared/config.js';
import { makeDeps } from '../../shared/deps.js';
import { makeControlPlane, makeRecoveryDeps } from '../../shared/dr-deps.js';
import { RdsControlPlane } from '../../shared/adapters/rds/control-plane.js';
import { scheduledJob } from '../../shared/powertools.js';
import { failoverDatabase, parseFailoverInput, type FailoverDeps } from '../../shared/usecases/dr-failover.js';

export const makeHandler = (deps: FailoverDeps) => scheduledJob(async (event: unknown) => failoverDatabase(deps, parseFailoverInput(event)));

const config = loadConfig();
const dr = loadDrConfig();
const deps = makeDeps(config);
const regional = makeControlPlane(config, dr);
export const handler = makeHandler({
  ...deps,
  ...makeRecoveryDeps(deps.pool),
  dr,
  // Invoked in the region being promoted, so the target cluster and its lag are described in this region.
  controlPlane: regional && { database: regional.database, target: new RdsControlPlane(new RDSClient({ region: config.region })), lag: regional.lag },
  wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
});
