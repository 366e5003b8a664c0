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
