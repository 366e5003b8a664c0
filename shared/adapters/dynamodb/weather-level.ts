// The weather scaling state item: read by intake for the severe-weather flag, written by the weather-scaling job.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { WeatherLevel } from '#shared/domain/priority.js';
import type { Clock } from '#shared/ports/clock.js';
import { weatherLevels } from '#shared/domain/weather.js';
import { initialScaleState } from '#shared/domain/weather-scaling.js';
import type { WeatherStatus, WeatherStatusReader } from '#shared/ports/live-map.js';
import type {
  FleetNeedsSnapshot,
  FleetNeedsStore,
  RegionSummary,
  ScaleStateStore,
  StoredScaleState,
  WeatherLevelReader,
} from '#shared/ports/weather-level.js';

export const weatherStateKey = { pk: 'weather' } as const;
const asLevel = (value: unknown): WeatherLevel | undefined =>
  weatherLevels.includes(value as WeatherLevel) ? (value as WeatherLevel) : undefined;
const asDate = (value: unknown): Date | undefined => (typeof value === 'string' ? new Date(value) : undefined);
/** A stored region summary, or nothing when the item was written by hand in another shape. */
const asRegion = (value: unknown): RegionSummary[] => {
  const r = value as Partial<RegionSummary> | null;
  const level = asLevel(r?.level);
  if (!r || typeof r.region !== 'string' || !level) return [];
  return [
    {
      region: r.region,
      level,
      conditions: Array.isArray(r.conditions) ? r.conditions.filter((c): c is string => typeof c === 'string') : [],
    },
  ];
};

/** Keep a level read this long before reading again; by the clock given, so tests can step past it. */
export interface WeatherLevelCache {
  clock: Clock;
  maxAgeMs: number;
}

export class DynamoWeatherLevelReader implements WeatherLevelReader, WeatherStatusReader {
  private cached: { readAt: number; level: Promise<WeatherLevel> } | undefined;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly cache?: WeatherLevelCache,
  ) {}

  currentLevel(): Promise<WeatherLevel> {
    if (!this.cache) return this.read();
    const now = this.cache.clock.now().getTime();
    if (this.cached && now - this.cached.readAt < this.cache.maxAgeMs) return this.cached.level;
    // Simultaneous callers share one read; a failed read is forgotten at once, so the next caller tries again.
    const entry = { readAt: now, level: this.read() };
    this.cached = entry;
    entry.level.catch(() => {
      if (this.cached === entry) this.cached = undefined;
    });
    return entry.level;
  }

  /** The level with when it was decided and the regions behind it (uncached: operations want the latest). */
  async currentStatus(): Promise<WeatherStatus> {
    const [{ Item }, needs] = await Promise.all([
      this.db.send(new GetCommand({ TableName: this.tableName, Key: weatherStateKey })),
      this.db.send(new GetCommand({ TableName: this.tableName, Key: fleetNeedsKey })),
    ]);
    const updatedAt = asDate(Item?.updatedAt);
    const regions = Array.isArray(Item?.reasons) ? (Item.reasons as unknown[]).flatMap(asRegion) : [];
    const fleetNeeds = asFleetNeeds(needs.Item);
    return {
      level: asLevel(Item?.level) ?? 'normal',
      ...(updatedAt ? { updatedAt } : {}),
      regions,
      ...(fleetNeeds ? { fleetNeeds } : {}),
    };
  }

  private async read(): Promise<WeatherLevel> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: weatherStateKey }));
    return asLevel(Item?.level) ?? 'normal';
  }
}

/** Weather scaling's latest fleet needs: one item beside the weather state, replaced by every run. */
export const fleetNeedsKey = { pk: 'fleet-needs' } as const;

function asFleetNeeds(item: Record<string, unknown> | undefined): FleetNeedsSnapshot | undefined {
  const at = asDate(item?.at);
  if (!at || !Array.isArray(item?.regions)) return undefined;
  const regions = (item.regions as Array<Record<string, unknown>>).map((r) => {
    const shortfall = r.shortfall as { more: number; from: string; to: string } | undefined;
    return {
      region: String(r.region),
      onShift: Number(r.onShift),
      needed: (r.needed as number[]).map(Number),
      ...(shortfall
        ? { shortfall: { more: Number(shortfall.more), from: new Date(shortfall.from), to: new Date(shortfall.to) } }
        : {}),
      ...(typeof r.alert === 'string' ? { alert: r.alert } : {}),
    };
  });
  return { at, regions };
}

/** Fleet needs for the live view, and the record of which shortfalls operations have been told about. */
export class DynamoFleetNeedsStore implements FleetNeedsStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async save({ at, regions }: FleetNeedsSnapshot): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...fleetNeedsKey,
          at: at.toISOString(),
          regions: regions.map((r) => ({
            ...r,
            ...(r.shortfall
              ? {
                  shortfall: {
                    more: r.shortfall.more,
                    from: r.shortfall.from.toISOString(),
                    to: r.shortfall.to.toISOString(),
                  },
                }
              : {}),
          })),
        },
      }),
    );
  }

  async firstAlertFor(region: string, from: Date): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `fleet-alert#${region}#${from.toISOString()}` },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

/** The same item as the reader: `level` stays a plain attribute so intake keeps reading it unchanged. */
export class DynamoScaleStateStore implements ScaleStateStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async load(now: Date): Promise<StoredScaleState> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: weatherStateKey, ConsistentRead: true }),
    );
    const initial = initialScaleState(now);
    if (!Item) return { ...initial, version: 0, reasons: [], applied: {} };
    const applied = Object.fromEntries(
      Object.entries((Item.applied ?? {}) as Record<string, unknown>).flatMap(([k, v]) =>
        asLevel(v) ? [[k, asLevel(v)!]] : [],
      ),
    );
    const lastScaleUpAt = asDate(Item.lastScaleUpAt);
    const lastChangeAt = asDate(Item.lastChangeAt);
    return {
      level: asLevel(Item.level) ?? 'normal',
      since: asDate(Item.since) ?? initial.since,
      ...(lastScaleUpAt ? { lastScaleUpAt } : {}),
      ...(lastChangeAt ? { lastChangeAt } : {}),
      clearRuns: typeof Item.clearRuns === 'number' ? Item.clearRuns : 0,
      fetchFailures: typeof Item.fetchFailures === 'number' ? Item.fetchFailures : 0,
      reasons: Array.isArray(Item.reasons) ? (Item.reasons as RegionSummary[]) : [],
      applied,
      // An item written before versioning (or by hand) counts as version 0.
      version: typeof Item.version === 'number' ? Item.version : 0,
    };
  }

  async claim(
    expectedVersion: number,
    next: Omit<StoredScaleState, 'version'>,
    lease: { runId: string; until: Date },
    now: Date,
  ): Promise<number | undefined> {
    const version = expectedVersion + 1;
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...weatherStateKey,
            level: next.level,
            since: next.since.toISOString(),
            ...(next.lastScaleUpAt ? { lastScaleUpAt: next.lastScaleUpAt.toISOString() } : {}),
            ...(next.lastChangeAt ? { lastChangeAt: next.lastChangeAt.toISOString() } : {}),
            clearRuns: next.clearRuns,
            fetchFailures: next.fetchFailures,
            reasons: next.reasons,
            applied: next.applied,
            version,
            updatedAt: now.toISOString(),
            leaseRunId: lease.runId,
            leaseUntil: lease.until.getTime(),
          },
          ConditionExpression: `${expectedVersion === 0 ? '(attribute_not_exists(pk) OR attribute_not_exists(version))' : 'version = :expected'} AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)`,
          ExpressionAttributeValues: {
            ...(expectedVersion === 0 ? {} : { ':expected': expectedVersion }),
            ':now': now.getTime(),
          },
        }),
      );
      return version;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async complete(
    lease: { runId: string; version: number },
    applied: Record<string, WeatherLevel>,
    lastChangeAt: Date | undefined,
  ): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: weatherStateKey,
          // The version moves on here too, so a run that loaded the state mid-apply cannot write back a stale `applied`.
          UpdateExpression: `SET applied = :applied, version = :next${lastChangeAt ? ', lastChangeAt = :changed' : ''} REMOVE leaseRunId, leaseUntil`,
          ConditionExpression: 'leaseRunId = :run AND version = :version',
          ExpressionAttributeValues: {
            ':applied': applied,
            ':next': lease.version + 1,
            ':run': lease.runId,
            ':version': lease.version,
            ...(lastChangeAt ? { ':changed': lastChangeAt.toISOString() } : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
