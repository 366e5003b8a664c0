// DynamoDB fixed-window counters: one item per key and hour, incremented by a conditional write, expired by TTL.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RateCounter, RateDecision } from '#shared/ports/rate-counter.js';

const hourMs = 3_600_000;

export class DynamoRateCounter implements RateCounter {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async take(key: string, limit: number, at: Date): Promise<RateDecision> {
    const windowStart = Math.floor(at.getTime() / hourMs) * hourMs;
    const windowEnd = windowStart + hourMs;
    try {
      // One conditional write: concurrent intakes from one phone cannot both slip under the limit.
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `${key}#${new Date(windowStart).toISOString()}` },
          UpdateExpression: 'ADD #count :one SET #expiresAt = if_not_exists(#expiresAt, :expiresAt)',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: { '#count': 'count', '#expiresAt': 'expiresAt' },
          // TTL a day after the window: DynamoDB deletes expired items within about two days, never before.
          ExpressionAttributeValues: {
            ':one': 1,
            ':limit': limit,
            ':expiresAt': Math.ceil((windowEnd + 86_400_000) / 1000),
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return { allowed: true, count: Number(Attributes?.count ?? 1) };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((windowEnd - at.getTime()) / 1000)) };
      throw error;
    }
  }
}
