// The disaster-recovery functions' AWS control planes (only DR bundles carry the RDS and CloudWatch clients).
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RDSClient } from '@aws-sdk/client-rds';
import type { ConfigOf } from '#shared/config/concern.js';
import type { regionConcern } from '#shared/config/region.js';
import type { drConcern } from './config.js';
import { CloudWatchReplicationLag } from '#shared/adapters/cloudwatch/replication-lag.js';
import { DynamoTableProtection } from '#shared/adapters/dynamodb/table-protection.js';
import { RdsControlPlane } from '#shared/adapters/rds/control-plane.js';
import { namingUnreachable, sdkClientOptions } from '#shared/adapters/sdk-client-options.js';
import { PostgresDrRunLog } from '#shared/adapters/postgres/recovery-store.js';
import { PostgresTestFleet } from '#shared/adapters/postgres/test-fleet.js';
import { dataProtectionConcern } from '#shared/config/data-protection.js';
import { databaseConcern } from '#shared/config/database.js';
import { dispatchConcern } from '#shared/config/dispatch.js';
import { dynamodbConcern } from '#shared/config/dynamodb.js';
import { geocoderConcern } from '#shared/config/geocoder.js';
import { intakeConcern } from '#shared/config/intake.js';
import { linksConcern } from '#shared/config/links.js';
import { notifierConcern } from '#shared/config/notifier.js';
import { regionConcern as region } from '#shared/config/region.js';
import { tablesConcern } from '#shared/config/tables.js';
import { createEmergency, intakeDeps } from '#functions/intake/index.js';
import { applyJobAction } from '#functions/jobs/index.js';
import type { DrillDeps } from './dr-drill.js';

/**
 * The AWS control planes, or none (local stage). Aurora's global-cluster calls go to this region's RDS endpoint; the lag
 * metrics are published for the secondary cluster, in the secondary's region.
 */
export function controlPlane(config: ConfigOf<typeof regionConcern | typeof drConcern>) {
  if (config.dr.controlPlane === 'none') return undefined;
  return {
    database: new RdsControlPlane(
      namingUnreachable(new RDSClient({ region: config.region, ...sdkClientOptions('control-plane') })),
    ),
    lag: new CloudWatchReplicationLag(
      namingUnreachable(
        new CloudWatchClient({
          region: config.dr.secondaryRegion ?? config.region,
          ...sdkClientOptions('control-plane'),
        }),
      ),
    ),
    tables: new DynamoTableProtection(
      namingUnreachable(new DynamoDBClient({ region: config.region, ...sdkClientOptions('control-plane') })),
    ),
  };
}

/** What the drill reads: intake's and the job steps' settings. */
export const drillConcerns = [
  region,
  databaseConcern,
  dynamodbConcern,
  tablesConcern,
  geocoderConcern,
  notifierConcern,
  dataProtectionConcern,
  dispatchConcern,
  intakeConcern,
  linksConcern,
] as const;

/**
 * The drill's deps, composed as POST /emergencies composes intake (functions/intake/compose.ts): its messages are
 * synthetic, so the guard records them all and no real provider is wired. drDrill and incident response's recovery
 * validation both run it; the pool, tables and stores come back with it, so a function that needs them too (incidents)
 * shares one pool and one set of clients per container instead of building its own.
 */
export function drillParts(config: ConfigOf<(typeof drillConcerns)[number]>) {
  const intake = intakeDeps(config);
  const deps = {
    ...intake.deps,
    // The whole concern, arrival radius and code attempts included: the drill proves its arrival like a van does.
    dispatch: config.dispatch,
    testFleet: new PostgresTestFleet(intake.pool),
    drRuns: new PostgresDrRunLog(intake.pool),
    syntheticNotifications: intake.syntheticNotifications,
  };
  const drill: DrillDeps = {
    ...deps,
    // Run over the deps they are called on, as the Lambdas of intake and of the job steps run them.
    createEmergency(this: typeof deps, input, options) {
      return createEmergency(this, input, options);
    },
    applyJobAction(this: typeof deps, principal, jobId, action, input) {
      return applyJobAction(this, principal, jobId, action, input);
    },
  };
  const { requests, rateLimits } = intake.deps;
  return {
    deps: drill,
    pool: intake.pool,
    tables: intake.tables,
    phones: intake.phones,
    requests,
    rateLimits,
    syntheticNotifications: intake.syntheticNotifications,
  };
}
