// Whether each DynamoDB table can be recovered: point-in-time recovery, and its global-table replicas.
import { DescribeContinuousBackupsCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TableProtectionFacts } from '#shared/domain/dr-readiness.js';
import type { TableProtectionReader } from '#shared/ports/dr-control-plane.js';

export class DynamoTableProtection implements TableProtectionReader {
  constructor(private readonly dynamo: DynamoDBClient) {}

  async describe(tableName: string): Promise<TableProtectionFacts> {
    const [backups, table] = await Promise.all([
      this.dynamo.send(new DescribeContinuousBackupsCommand({ TableName: tableName })),
      this.dynamo.send(new DescribeTableCommand({ TableName: tableName })),
    ]);
    return {
      table: tableName,
      pointInTimeRecovery:
        backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus === 'ENABLED',
      replicas: (table.Table?.Replicas ?? []).map((r) => ({
        region: r.RegionName ?? '',
        status: r.ReplicaStatus ?? 'UNKNOWN',
      })),
    };
  }
}
