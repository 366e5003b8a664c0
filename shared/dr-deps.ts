// Builders for the disaster-recovery functions' own adapters, kept apart from the shared factory so only DR bundles carry them.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RDSClient } from '@aws-sdk/client-rds';
import type pg from 'pg';
import type { Config, DrConfig } from './config.js';
import { CloudWatchReplicationLag } from './adapters/cloudwatch/replication-lag.js';
import { DynamoTableProtection } from './adapters/dynamodb/table-protection.js';
import { PostgresDrRunLog, PostgresRecoveryStore } from './adapters/postgres/recovery-store.js';
import { RdsControlPlane } from './adapters/rds/control-plane.js';

export function makeRecoveryDeps(pool: pg.Pool) {
  return { recovery: new PostgresRecoveryStore(pool), drRuns: new PostgresDrRunLog(pool) };
}

export type RecoveryDeps = ReturnType<typeof makeRecoveryDeps>;

/**
 * The AWS control planes, or none (local stage). Aurora's global-cluster calls go to this region's RDS endpoint; the lag
 * metrics are published for the secondary cluster, in the secondary's region.
 */
export function makeControlPlane(config: Pick<Config, 'region'>, dr: DrConfig) {
  if (dr.controlPlane === 'none') return undefined;
  return {
    database: new RdsControlPlane(new RDSClient({ region: config.region })),
    lag: new CloudWatchReplicationLag(new CloudWatchClient({ region: dr.secondaryRegion ?? config.region })),
    tables: new DynamoTableProtection(new DynamoDBClient({ region: config.region })),
  };
}
