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
}

/** Where a restored cluster must sit to be usable in its place: the source's network, parameters and capacity. */
export interface RestorePlacement {
  subnetGroup: string;
  securityGroupIds: string[];
  clusterParameterGroup?: string;
  /** Aurora Serverless v2 capacity; a db.serverless instance needs it on its cluster. */
  capacity?: { minAcu: number; maxAcu: number };
  iamDatabaseAuthentication: boolean;
  deletionProtection: boolean;
}

/** One target behind an RDS Proxy target group: the cluster it tracks, and for an instance, its health. */
export interface ProxyTarget {
  type: 'cluster' | 'instance' | 'other';
  clusterId?: string;
  role?: string;
  /** REGISTERING, AVAILABLE or UNAVAILABLE (instances). */
  state?: string;
  /** Why it is not available (AUTH_FAILURE, UNREACHABLE, …). */
  reason?: string;
}

/** What drRestore drives: a point-in-time restore into a new cluster, its writer, and the proxy's target. */
export interface RestoreControlPlane {
  describeCluster(clusterId: string): Promise<ClusterFacts | undefined>;
  placementOf(clusterId: string): Promise<RestorePlacement | undefined>;
  /** Starts a restore into a new cluster (copy-on-write), placed as given; instances are added separately. */
  restoreToPointInTime(input: {
    sourceClusterId: string;
    targetClusterId: string;
    restoreTime: Date;
    placement: RestorePlacement;
  }): Promise<{ targetClusterArn?: string }>;
  /** The instance's status (creating, available, …), undefined when it does not exist. */
  instanceStatus(instanceId: string): Promise<string | undefined>;
  createServerlessWriter(input: { clusterId: string; instanceId: string }): Promise<void>;
  proxyTargets(proxyName: string): Promise<ProxyTarget[]>;
  deregisterProxyCluster(proxyName: string, clusterId: string): Promise<void>;
  registerProxyCluster(proxyName: string, clusterId: string): Promise<void>;
}

export interface ReplicationLagReader {
  /** Worst values over the window; undefined when there were no datapoints. */
  read(secondaryClusterId: string, since: Date, until: Date): Promise<{ replicationLagMs?: number; rpoLagMs?: number }>;
}

export interface TableProtectionReader {
  describe(tableName: string): Promise<TableProtectionFacts>;
}
