// Checks that a DynamoDB table exists and takes reads and writes (ACTIVE or UPDATING).
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DependencyNotReady } from '#shared/ports/dependency-probe.js';

export class DynamoTableProbe {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async check(timeoutMs: number): Promise<void> {
    const { Table } = await this.client.send(new DescribeTableCommand({ TableName: this.tableName }), {
      abortSignal: AbortSignal.timeout(timeoutMs),
    });
    if (Table?.TableStatus !== 'ACTIVE' && Table?.TableStatus !== 'UPDATING')
      throw new DependencyNotReady(`table is ${Table?.TableStatus ?? 'unknown'}`);
  }
}
