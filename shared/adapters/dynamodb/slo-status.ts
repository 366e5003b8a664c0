// collectMetrics' latest SLO evaluation: one item of the scaling-state table, read by /ops/metrics (the live view).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SloStatus, SloStatusStore } from '#shared/ports/slo.js';

export const sloStatusKey = { pk: 'slo-status' } as const;

export class DynamoSloStatusStore implements SloStatusStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async save(status: SloStatus): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...sloStatusKey, ...status } }));
  }

  async load(): Promise<SloStatus | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: sloStatusKey }));
    if (!Item || typeof Item.at !== 'string' || !Array.isArray(Item.slos)) return undefined;
    return {
      at: Item.at,
      slos: Item.slos as SloStatus['slos'],
      unavailable: Array.isArray(Item.unavailable) ? (Item.unavailable as SloStatus['unavailable']) : [],
    };
  }
}
