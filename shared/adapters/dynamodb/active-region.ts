// The active-region record: one item of the scaling-state table, a global table in a region pair, so a flip in one
// region is read in the other within its replication delay.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ActiveRegionRecord, ActiveRegionStore, RegionRole } from '#shared/ports/active-region.js';
import type { Clock } from '#shared/ports/clock.js';
import type { Log } from '#shared/ports/logger.js';

export const activeRegionKey = { pk: 'active-region' } as const;

export class DynamoActiveRegionStore implements ActiveRegionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async read(): Promise<ActiveRegionRecord | undefined> {
    // Strongly consistent within the region: a flip made here is seen at once by the next read here.
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: activeRegionKey, ConsistentRead: true }),
    );
    if (!Item || typeof Item.region !== 'string') return undefined;
    return {
      region: Item.region,
      ...(typeof Item.since === 'string' ? { since: new Date(Item.since) } : {}),
      ...(typeof Item.by === 'string' ? { by: Item.by } : {}),
    };
  }

  async write(record: Required<ActiveRegionRecord>): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...activeRegionKey, region: record.region, since: record.since.toISOString(), by: record.by },
      }),
    );
  }
}

/**
 * A function's view of the record, read at most once per `cacheMs`. Without a record, `defaultRegion` serves (the
 * pair's primary, or this region on a single-region stage). When the table cannot be read the last answer stands (or
 * the default): a region must not stop serving because a read of its own table failed once.
 */
export class CachedRegionRole implements RegionRole {
  private cached: { readAt: number; region: Promise<string> } | undefined;
  private lastKnown: string | undefined;

  constructor(
    readonly region: string,
    private readonly store: Pick<ActiveRegionStore, 'read'>,
    private readonly options: { defaultRegion?: string; cacheMs: number; clock: Clock; log?: Log },
  ) {}

  activeRegion(): Promise<string> {
    const now = this.options.clock.now().getTime();
    if (this.cached && now - this.cached.readAt < this.options.cacheMs) return this.cached.region;
    const region = this.store.read().then(
      (record) => (this.lastKnown = record?.region ?? this.options.defaultRegion ?? this.region),
      (error: unknown) => {
        this.options.log?.warn('active-region record unreadable; keeping the last known', { error });
        // Forgotten at once, so the next caller reads again.
        if (this.cached?.region === region) this.cached = undefined;
        return this.lastKnown ?? this.options.defaultRegion ?? this.region;
      },
    );
    this.cached = { readAt: now, region };
    return region;
  }
}
