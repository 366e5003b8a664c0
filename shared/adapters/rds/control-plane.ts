// Aurora's control plane through the RDS API: what DR checks read and what failover and restore change.
import {
  CreateDBInstanceCommand,
  DeregisterDBProxyTargetsCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBProxyTargetsCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  RegisterDBProxyTargetsCommand,
  RestoreDBClusterToPointInTimeCommand,
  SwitchoverGlobalClusterCommand,
  type DBCluster,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { ClusterFacts, GlobalClusterFacts } from '#shared/domain/dr-readiness.js';
import type {
  DatabaseControlPlane,
  ProxyTarget,
  RestoreControlPlane,
  RestorePlacement,
} from '#shared/ports/dr-control-plane.js';

const notFound = (error: unknown, name: string) => (error as { name?: string }).name === name;

/** The proxy's only target group: the one CloudFormation and the console create with every proxy. */
const targetGroup = 'default';

export class RdsControlPlane implements DatabaseControlPlane, RestoreControlPlane {
  constructor(private readonly rds: RDSClient) {}

  private async cluster(clusterId: string): Promise<DBCluster | undefined> {
    try {
      const { DBClusters = [] } = await this.rds.send(
        new DescribeDBClustersCommand({ DBClusterIdentifier: clusterId }),
      );
      return DBClusters[0];
    } catch (error) {
      if (notFound(error, 'DBClusterNotFoundFault')) return undefined;
      throw error;
    }
  }

  async describeCluster(clusterId: string): Promise<ClusterFacts | undefined> {
    const c = await this.cluster(clusterId);
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
  }

  async placementOf(clusterId: string): Promise<RestorePlacement | undefined> {
    const c = await this.cluster(clusterId);
    if (!c?.DBSubnetGroup) return undefined;
    const scaling = c.ServerlessV2ScalingConfiguration;
    return {
      subnetGroup: c.DBSubnetGroup,
      securityGroupIds: (c.VpcSecurityGroups ?? []).flatMap((g) =>
        g.VpcSecurityGroupId ? [g.VpcSecurityGroupId] : [],
      ),
      ...(c.DBClusterParameterGroup ? { clusterParameterGroup: c.DBClusterParameterGroup } : {}),
      ...(scaling?.MinCapacity !== undefined && scaling.MaxCapacity !== undefined
        ? { capacity: { minAcu: scaling.MinCapacity, maxAcu: scaling.MaxCapacity } }
        : {}),
      iamDatabaseAuthentication: Boolean(c.IAMDatabaseAuthenticationEnabled),
      deletionProtection: Boolean(c.DeletionProtection),
    };
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
    placement: RestorePlacement;
  }): Promise<{ targetClusterArn?: string }> {
    const { placement } = input;
    // The source's key is kept (no KmsKeyId); its subnets, security groups and parameters are named, as a restore
    // otherwise lands in the default VPC with the default groups, where the proxy cannot reach it.
    const { DBCluster } = await this.rds.send(
      new RestoreDBClusterToPointInTimeCommand({
        SourceDBClusterIdentifier: input.sourceClusterId,
        DBClusterIdentifier: input.targetClusterId,
        RestoreToTime: input.restoreTime,
        RestoreType: 'copy-on-write',
        DBSubnetGroupName: placement.subnetGroup,
        VpcSecurityGroupIds: placement.securityGroupIds,
        ...(placement.clusterParameterGroup ? { DBClusterParameterGroupName: placement.clusterParameterGroup } : {}),
        ...(placement.capacity
          ? {
              ServerlessV2ScalingConfiguration: {
                MinCapacity: placement.capacity.minAcu,
                MaxCapacity: placement.capacity.maxAcu,
              },
            }
          : {}),
        EnableIAMDatabaseAuthentication: placement.iamDatabaseAuthentication,
        DeletionProtection: placement.deletionProtection,
        CopyTagsToSnapshot: true,
      }),
    );
    return { targetClusterArn: DBCluster?.DBClusterArn };
  }

  async instanceStatus(instanceId: string): Promise<string | undefined> {
    try {
      const { DBInstances = [] } = await this.rds.send(
        new DescribeDBInstancesCommand({ DBInstanceIdentifier: instanceId }),
      );
      return DBInstances[0]?.DBInstanceStatus;
    } catch (error) {
      if (notFound(error, 'DBInstanceNotFoundFault')) return undefined;
      throw error;
    }
  }

  async createServerlessWriter(input: { clusterId: string; instanceId: string }): Promise<void> {
    // The first instance of a cluster is its writer; it takes the cluster's subnets, groups and key.
    await this.rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: input.instanceId,
        DBClusterIdentifier: input.clusterId,
        DBInstanceClass: 'db.serverless',
        Engine: 'aurora-postgresql',
        PubliclyAccessible: false,
        PromotionTier: 0,
      }),
    );
  }

  async proxyTargets(proxyName: string): Promise<ProxyTarget[]> {
    const { Targets = [] } = await this.rds.send(
      new DescribeDBProxyTargetsCommand({ DBProxyName: proxyName, TargetGroupName: targetGroup }),
    );
    return Targets.map((t) => ({
      type: t.Type === 'TRACKED_CLUSTER' ? 'cluster' : t.Type === 'RDS_INSTANCE' ? 'instance' : 'other',
      ...(t.TrackedClusterId ? { clusterId: t.TrackedClusterId } : {}),
      ...(t.Role ? { role: t.Role } : {}),
      ...(t.TargetHealth?.State ? { state: t.TargetHealth.State } : {}),
      ...(t.TargetHealth?.Reason ? { reason: t.TargetHealth.Reason } : {}),
    }));
  }

  async deregisterProxyCluster(proxyName: string, clusterId: string): Promise<void> {
    await this.rds.send(
      new DeregisterDBProxyTargetsCommand({
        DBProxyName: proxyName,
        TargetGroupName: targetGroup,
        DBClusterIdentifiers: [clusterId],
      }),
    );
  }

  async registerProxyCluster(proxyName: string, clusterId: string): Promise<void> {
    await this.rds.send(
      new RegisterDBProxyTargetsCommand({
        DBProxyName: proxyName,
        TargetGroupName: targetGroup,
        DBClusterIdentifiers: [clusterId],
      }),
    );
  }
}
