// Surge mode's record: one item of the scaling-state table (a global table in a pair, so the DR region sees it).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Surge } from '#shared/domain/surge.js';
import type { SurgeStore } from '#shared/ports/surge.js';

export const surgeKey = { pk: 'surge' } as const;

export class DynamoSurgeStore implements SurgeStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async latest(): Promise<Surge | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: surgeKey, ConsistentRead: true }),
    );
    if (!Item || typeof Item.until !== 'string' || typeof Item.startedAt !== 'string') return undefined;
    const { pk: _pk, ...surge } = Item;
    return surge as Surge;
  }

  async save(surge: Surge): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...surgeKey, ...surge } }));
  }

  async markEnded(startedAt: string, ended: NonNullable<Surge['ended']>): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: surgeKey,
          UpdateExpression: 'SET ended = :ended',
          ConditionExpression: 'startedAt = :startedAt AND attribute_not_exists(ended)',
          ExpressionAttributeValues: { ':ended': ended, ':startedAt': startedAt },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
