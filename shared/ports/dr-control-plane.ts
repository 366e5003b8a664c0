// The AWS control planes disaster recovery reads and drives: Aurora (clusters, global database, backups), lag metrics, table protection.
import type { ClusterFacts, GlobalClusterFacts, TableProtectionFacts } from '#shared/domain/dr-readiness.js';

export interface DatabaseControlPlane {
  describeCluster(clusterId: string): Promise<ClusterFacts | undefined>;
  describeGlobalCluster(globalClusterId: string): Promise<GlobalClusterFacts | undefined>;
  /** Creation time of the newest automated backup (snapshot) of the cluster. */
  latestAutomatedBackup(clusterId: string): Promise<Date | undefined>;
  /** Planned: no data loss, the old primary becomes a secondary. */
  switchover(globalClusterId: string, targetClusterArn: string): Promise<void>;
  /** Disaster: promote the target now, accepting the loss of writes not yet replicated. */
  failover(globalClusterId: string, targetClusterArn: string): Promise<void>;
  /** Starts a restore into a new cluster; instances are added separately. */
  restoreToPointInTime(input: {
    sourceClusterId: string;
    targetClusterId: string;
    restoreTime: Date;
  }): Promise<{ targetClusterArn?: string }>;
}

export interface ReplicationLagReader {
  /** Worst values over the window; undefined when there were no datapoints. */
  read(secondaryClusterId: string, since: Date, until: Date): Promise<{ replicationLagMs?: number; rpoLagMs?: number }>;
}

export interface TableProtectionReader {
  describe(tableName: string): Promise<TableProtectionFacts>;
}
