// Aurora Global Database lag, as CloudWatch has it for the secondary cluster (published in the secondary's region).
import { GetMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { ReplicationLagReader } from '#shared/ports/dr-control-plane.js';

export class CloudWatchReplicationLag implements ReplicationLagReader {
  constructor(private readonly cloudwatch: CloudWatchClient) {}

  async read(
    secondaryClusterId: string,
    since: Date,
    until: Date,
  ): Promise<{ replicationLagMs?: number; rpoLagMs?: number }> {
    const query = (id: string, metric: string) => ({
      Id: id,
      MetricStat: {
        Metric: {
          Namespace: 'AWS/RDS',
          MetricName: metric,
          Dimensions: [{ Name: 'DBClusterIdentifier', Value: secondaryClusterId }],
        },
        Period: 60,
        Stat: 'Maximum',
      },
    });
    const { MetricDataResults = [] } = await this.cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: since,
        EndTime: until,
        MetricDataQueries: [
          query('replicationLag', 'AuroraGlobalDBReplicationLag'),
          query('rpoLag', 'AuroraGlobalDBRPOLag'),
        ],
      }),
    );
    const worst = (id: string) => {
      const values = MetricDataResults.find((r) => r.Id === id)?.Values ?? [];
      return values.length ? Math.max(...values) : undefined;
    };
    const replicationLagMs = worst('replicationLag');
    const rpoLagMs = worst('rpoLag');
    return {
      ...(replicationLagMs !== undefined ? { replicationLagMs } : {}),
      ...(rpoLagMs !== undefined ? { rpoLagMs } : {}),
    };
  }
}
