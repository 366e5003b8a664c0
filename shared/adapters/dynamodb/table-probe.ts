// Checks that each configured DynamoDB table exists and is ACTIVE.
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TableProbe } from '../../ports/table-probe.js';

export class DynamoTableProbe implements TableProbe {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableNames: readonly string[],
  ) {}

  async checkTables(timeoutMs: number): Promise<void> {
    await Promise.all(
      this.tableNames.map(async (TableName) => {
        const { Table } = await this.client.send(new DescribeTableCommand({ TableName }), { abortSignal: AbortSignal.timeout(timeoutMs) });
        if (Table?.TableStatus !== 'ACTIVE' && Table?.TableStatus !== 'UPDATING') throw new Error(`table ${TableName} is ${Table?.TableStatus}`);
      }),
    );
  }
}
