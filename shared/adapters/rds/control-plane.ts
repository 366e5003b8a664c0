// Aurora's control plane through the RDS API: what DR checks read and what failover and restore change.
import {
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  RestoreDBClusterToPointInTimeCommand,
  SwitchoverGlobalClusterCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { ClusterFacts, GlobalClusterFacts } from '#shared/domain/dr-readiness.js';
import type { DatabaseControlPlane } from '#shared/ports/dr-control-plane.js';

const notFound = (error: unknown, name: string) => (error as { name?: string }).name === name;

export class RdsControlPlane implements DatabaseControlPlane {
  constructor(private readonly rds: RDSClient) {}

  async describeCluster(clusterId: string): Promise<ClusterFacts | undefined> {
    try {
      const { DBClusters = [] } = await this.rds.send(
        new DescribeDBClustersCommand({ DBClusterIdentifier: clusterId }),
      );
      const c = DBClusters[0];
      if (!c) return undefined;
      const members = c.DBClusterMembers ?? [];
      return {
        id: c.DBClusterIdentifier ?? clusterId,
        arn: c.DBClusterArn ?? '',
        status: c.Status ?? 'unknown',
        writers: members.filter((m) => m.IsClusterWriter).length,
        members: members.length,
        earliestRestorableTime: c.EarliestRestorableTime,
        latestRestorableTime: c.LatestRestorableTime,
        backupRetentionDays: c.BackupRetentionPeriod,
      };
    } catch (error) {
      if (notFound(error, 'DBClusterNotFoundFault')) return undefined;
      throw error;
    }
  }

  async describeGlobalCluster(globalClusterId: string): Promise<GlobalClusterFacts | undefined> {
    try {
      const { GlobalClusters = [] } = await this.rds.send(
        new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: globalClusterId }),
      );
      const g = GlobalClusters[0];
      if (!g) return undefined;
      return {
        id: g.GlobalClusterIdentifier ?? globalClusterId,
        status: g.Status ?? 'unknown',
        members: (g.GlobalClusterMembers ?? []).map((m) => ({
          clusterArn: m.DBClusterArn ?? '',
          isWriter: Boolean(m.IsWriter),
          ...(m.SynchronizationStatus ? { synchronizationStatus: m.SynchronizationStatus } : {}),
        })),
        ...(g.FailoverState?.Status
          ? {
              failover: {
                status: g.FailoverState.Status,
                fromClusterArn: g.FailoverState.FromDbClusterArn,
                toClusterArn: g.FailoverState.ToDbClusterArn,
                dataLossAllowed: g.FailoverState.IsDataLossAllowed,
              },
            }
          : {}),
      };
    } catch (error) {
      if (notFound(error, 'GlobalClusterNotFoundFault')) return undefined;
      throw error;
    }
  }

  async latestAutomatedBackup(clusterId: string): Promise<Date | undefined> {
    const { DBClusterSnapshots = [] } = await this.rds.send(
      new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: clusterId, SnapshotType: 'automated' }),
    );
    const times = DBClusterSnapshots.map((s) => s.SnapshotCreateTime?.getTime()).filter(
      (t): t is number => t !== undefined,
    );
    return times.length ? new Date(Math.max(...times)) : undefined;
  }

  async switchover(globalClusterId: string, targetClusterArn: string): Promise<void> {
    await this.rds.send(
      new SwitchoverGlobalClusterCommand({
        GlobalClusterIdentifier: globalClusterId,
        TargetDbClusterIdentifier: targetClusterArn,
      }),
    );
  }

  async failover(globalClusterId: string, targetClusterArn: string): Promise<void> {
    await this.rds.send(
      new FailoverGlobalClusterCommand({
        GlobalClusterIdentifier: globalClusterId,
        TargetDbClusterIdentifier: targetClusterArn,
        AllowDataLoss: true,
      }),
    );
  }

  async restoreToPointInTime(input: {
    sourceClusterId: string;
    targetClusterId: string;
    restoreTime: Date;
  }): Promise<{ targetClusterArn?: string }> {
    const { DBCluster } = await this.rds.send(
      new RestoreDBClusterToPointInTimeCommand({
        SourceDBClusterIdentifier: input.sourceClusterId,
        DBClusterIdentifier: input.targetClusterId,
        RestoreToTime: input.restoreTime,
        RestoreType: 'copy-on-write',
      }),
    );
    return { targetClusterArn: DBCluster?.DBClusterArn };
  }
}
