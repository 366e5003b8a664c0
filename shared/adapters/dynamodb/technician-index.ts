// DynamoDB technician index: one item per technician, a sparse GSI of the dispatchable ones, conditional writes for every invariant.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  GetCommand,
  paginateQuery,
  paginateScan,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type ScanCommandInput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import ngeohash from 'ngeohash';
import type { GeoPoint } from '#shared/domain/emergency.js';
import { nearestAdaptive, partitionOf, type Candidate, type IndexRange } from '#shared/domain/geo.js';
import {
  fleetOfTechnician,
  fleetPartition,
  testFleetPartitionPrefix,
  testTechnicianIdPrefix,
} from '#shared/domain/test-fleet.js';
import type { FleetReader } from '#shared/ports/live-map.js';
import type {
  Availability,
  DispatchableTechnician,
  HeldJob,
  LocationFix,
  NearestQuery,
  SearchReport,
  SelfReportedStatus,
  TechnicianIndex,
  TechnicianPosition,
} from '#shared/ports/technician-index.js';

/** Stored geohash precision (~5 m cells): finer than any phone's GPS fix. */
const fixPrecision = 9;
/**
 * How the search spends its Queries (see nearestAdaptive): discs of at most 3 ranges until k are seen, then the disc
 * out to the k-th; at most 14 Queries anywhere. The first disc is 1 km, where the k = 5 nearest lie in a city of 50,000
 * vans, unless the container has searched the area before (areaReach).
 */
export const dispatchSearchPlan = { firstRadiusKm: 1, levelReads: 3, maxReads: 14 } as const;
/** The first disc reaches this much past what the last search in the area needed, so it usually proves the answer. */
const reachMargin = 1.2;
/** A van parked at the roadside could make the reach ~0: a disc smaller than a street proves too little to be worth a Query. */
const minFirstRadiusKm = 0.25;
/**
 * Memory may widen the first disc to 3 km, no further: a reach remembered from fewer vans (the night shift, or the
 * benchmark's 2,000 before its 50,000) would otherwise read a now-dense city whole (110 items a k = 5 search at 50,000
 * in the benchmark uncapped, 94 capped at 3 km; docs/performance.md, part 2). Beyond 3 km the discs grow from there.
 */
const maxFirstRadiusKm = 3;
/** Areas remembered per container; beyond it the memory starts again (a container serves far fewer areas). */
const maxRememberedAreas = 10_000;
export const dispatchableIndex = 'dispatchable';

interface Item {
  technicianId: string;
  lat?: number;
  lon?: number;
  recordedAt?: string;
  status?: Availability;
  currentJob?: string;
}

function toPosition(technicianId: string, item: Item): TechnicianPosition {
  return {
    technicianId,
    status: item.status ?? 'offline',
    ...(item.lat !== undefined && item.lon !== undefined ? { location: { lat: item.lat, lon: item.lon } } : {}),
    ...(item.recordedAt ? { recordedAt: new Date(item.recordedAt) } : {}),
    ...(item.currentJob ? { currentJob: item.currentJob } : {}),
  };
}

const failedCondition = (error: unknown): error is ConditionalCheckFailedException =>
  error instanceof ConditionalCheckFailedException;
const oldItem = (error: ConditionalCheckFailedException): Item | undefined =>
  error.Item ? (unmarshall(error.Item) as Item) : undefined;

export class DynamoTechnicianIndex implements TechnicianIndex, FleetReader {
  /**
   * Per container, per precision-4 cell: how far one technician lay in the last search there (the farthest found over
   * √found), so the next search's first disc fits the area's density: small in a city, the whole reach in an empty glen.
   * Any first disc is exact; this only changes what a search costs.
   */
  private readonly areaReach = new Map<string, number>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Every page of a Query; `onPage` sees how many items each page read. */
  private async queryAll<T>(input: QueryCommandInput, onPage?: (scanned: number) => void): Promise<T[]> {
    const items: T[] = [];
    for await (const page of paginateQuery({ client: this.db }, input)) {
      onPage?.(page.ScannedCount ?? 0);
      items.push(...((page.Items ?? []) as T[]));
    }
    return items;
  }

  /** Every page of a Scan. */
  private async scanAll<T>(input: ScanCommandInput): Promise<T[]> {
    const items: T[] = [];
    for await (const page of paginateScan({ client: this.db }, input)) items.push(...((page.Items ?? []) as T[]));
    return items;
  }

  private update(input: Omit<UpdateCommandInput, 'TableName'>) {
    return this.db.send(
      new UpdateCommand({ TableName: this.tableName, ReturnValuesOnConditionCheckFailure: 'ALL_OLD', ...input }),
    );
  }

  async recordLocation(technicianId: string, fix: LocationFix): Promise<'updated' | 'stale'> {
    const geohash = ngeohash.encode(fix.location.lat, fix.location.lon, fixPrecision);
    const values: Record<string, unknown> = {
      ':lat': fix.location.lat,
      ':lon': fix.location.lon,
      ':gh': geohash,
      // A test technician's partition carries the test-fleet prefix, so they are only ever indexed in test partitions.
      ':cell': fleetPartition(partitionOf(geohash), fleetOfTechnician(technicianId)),
      ':key': `${geohash}#${technicianId}`,
      ':at': fix.recordedAt.toISOString(),
      ':acc': fix.accuracyMeters ?? null,
      ':hd': fix.heading ?? null,
    };
    const position =
      'lat = :lat, lon = :lon, geohash = :gh, cell = :cell, cellKey = :key, recordedAt = :at, accuracyMeters = :acc, heading = :hd';
    // ISO-8601 UTC strings of one fixed format compare in time order, so an older fix fails the condition.
    const newer = '(attribute_not_exists(recordedAt) OR recordedAt < :at)';
    try {
      // The common case, an available technician moving: one UpdateItem that also moves their index entry.
      await this.update({
        Key: { technicianId },
        UpdateExpression: `SET ${position}, dispatchCell = :cell, dispatchKey = :key`,
        ConditionExpression: `${newer} AND #status = :available AND attribute_not_exists(currentJob)`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ...values, ':available': 'available' },
      });
      return 'updated';
    } catch (error) {
      if (!failedCondition(error)) throw error;
      const old = oldItem(error);
      if (old?.recordedAt && old.recordedAt >= values[':at']!) return 'stale';
    }
    try {
      // Busy, on a break, offline or new: move them without putting them in the index.
      await this.update({
        Key: { technicianId },
        UpdateExpression: `SET ${position}, #status = if_not_exists(#status, :offline) REMOVE dispatchCell, dispatchKey`,
        ConditionExpression: newer,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ...values, ':offline': 'offline' },
      });
      return 'updated';
    } catch (error) {
      if (failedCondition(error)) return 'stale';
      throw error;
    }
  }

  async setAvailability(
    technicianId: string,
    status: SelfReportedStatus,
  ): Promise<'updated' | 'has-job' | 'no-location'> {
    try {
      if (status === 'available') {
        await this.update({
          Key: { technicianId },
          UpdateExpression: 'SET #status = :status, dispatchCell = cell, dispatchKey = cellKey',
          ConditionExpression: 'attribute_exists(cell) AND attribute_not_exists(currentJob)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': status },
        });
      } else {
        await this.update({
          Key: { technicianId },
          UpdateExpression: 'SET #status = :status REMOVE dispatchCell, dispatchKey',
          ConditionExpression: 'attribute_not_exists(currentJob)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': status },
        });
      }
      return 'updated';
    } catch (error) {
      if (!failedCondition(error)) throw error;
      return oldItem(error)?.currentJob ? 'has-job' : 'no-location';
    }
  }

  async nearestDispatchable(
    point: GeoPoint,
    query: NearestQuery,
  ): Promise<{ found: Awaited<ReturnType<typeof nearestAdaptive>>['found']; report: SearchReport }> {
    const report: SearchReport = { queries: 0, itemsRead: 0, levels: 0 };
    const freshSince = query.freshSince.toISOString();
    const fleet = query.fleet ?? 'real';
    const reader = {
      read: async (range: IndexRange): Promise<Candidate[]> => {
        const items = await this.queryAll<Item>(
          {
            TableName: this.tableName,
            IndexName: dispatchableIndex,
            // Sort keys are `geohash#id`, and '~' sorts after every geohash character, so this is "from the first
            // cell's prefix to the end of the last cell's".
            KeyConditionExpression: 'dispatchCell = :cell AND dispatchKey BETWEEN :first AND :last',
            FilterExpression: 'recordedAt >= :fresh',
            // Only what the ranking uses: less for DynamoDB to send and for the SDK to unmarshal, item by item.
            ProjectionExpression: 'technicianId, lat, lon',
            ExpressionAttributeValues: {
              ':cell': fleetPartition(range.partition, fleet),
              ':first': range.first,
              ':last': `${range.last}~`,
              ':fresh': freshSince,
            },
          },
          (scanned) => {
            report.queries += 1;
            report.itemsRead += scanned;
          },
        );
        return items.map((item) => ({ id: item.technicianId, location: { lat: item.lat!, lon: item.lon! } }));
      },
    };
    const area = `${fleet}:${ngeohash.encode(point.lat, point.lon, 4)}`;
    const reach = this.areaReach.get(area);
    const { found, stats } = await nearestAdaptive(point, reader, {
      k: query.k,
      maxRadiusKm: query.maxRadiusKm,
      exclude: query.exclude,
      plan: {
        ...dispatchSearchPlan,
        firstRadiusKm:
          reach === undefined
            ? dispatchSearchPlan.firstRadiusKm
            : Math.min(maxFirstRadiusKm, Math.max(minFirstRadiusKm, reach * Math.sqrt(query.k) * reachMargin)),
      },
    });
    if (this.areaReach.size >= maxRememberedAreas) this.areaReach.clear();
    const farthest = found[found.length - 1];
    this.areaReach.set(area, farthest ? farthest.distanceKm / Math.sqrt(found.length) : query.maxRadiusKm);
    report.levels = stats.levels;
    return { found, report };
  }

  async claim(technicianId: string, requestId: string, at: Date, freshSince: Date): Promise<boolean> {
    try {
      await this.update({
        Key: { technicianId },
        UpdateExpression: 'SET #status = :busy, currentJob = :job, claimedAt = :at REMOVE dispatchCell, dispatchKey',
        ConditionExpression: '#status = :available AND attribute_not_exists(currentJob) AND recordedAt >= :fresh',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':busy': 'busy',
          ':available': 'available',
          ':job': requestId,
          ':at': at.toISOString(),
          ':fresh': freshSince.toISOString(),
        },
      });
      return true;
    } catch (error) {
      if (failedCondition(error)) return false;
      throw error;
    }
  }

  async release(
    technicianId: string,
    requestId: string,
    then: 'available' | 'offline' = 'available',
  ): Promise<boolean> {
    try {
      await this.update({
        Key: { technicianId },
        UpdateExpression:
          then === 'available'
            ? 'SET #status = :status, dispatchCell = cell, dispatchKey = cellKey REMOVE currentJob, claimedAt'
            : 'SET #status = :status REMOVE currentJob, claimedAt, dispatchCell, dispatchKey',
        ConditionExpression: 'currentJob = :job',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': then, ':job': requestId },
      });
      return true;
    } catch (error) {
      if (failedCondition(error)) return false;
      throw error;
    }
  }

  async dropSilent(freshSince: Date): Promise<string[]> {
    const fresh = freshSince.toISOString();
    const silent = await this.scanAll<Item>({
      TableName: this.tableName,
      IndexName: dispatchableIndex,
      FilterExpression: 'recordedAt < :fresh',
      ExpressionAttributeValues: { ':fresh': fresh },
    });
    const dropped: string[] = [];
    for (const item of silent) {
      try {
        // Conditional on still being silent: a fix that lands meanwhile keeps them in.
        await this.update({
          Key: { technicianId: item.technicianId },
          UpdateExpression: 'REMOVE dispatchCell, dispatchKey',
          ConditionExpression: 'recordedAt < :fresh',
          ExpressionAttributeValues: { ':fresh': fresh },
        });
        dropped.push(item.technicianId);
      } catch (error) {
        if (!failedCondition(error)) throw error;
      }
    }
    return dropped;
  }

  async listHolding(): Promise<HeldJob[]> {
    // One item per technician, so this reads the fleet (hundreds of items), once a minute, from redispatch only.
    const holding = await this.scanAll<Item & { claimedAt?: string }>({
      TableName: this.tableName,
      FilterExpression: 'attribute_exists(currentJob)',
      ProjectionExpression: 'technicianId, currentJob, claimedAt',
    });
    return holding.map((item) => ({
      technicianId: item.technicianId,
      requestId: item.currentJob!,
      claimedAt: new Date(item.claimedAt ?? 0),
    }));
  }

  async listFleet(): Promise<TechnicianPosition[]> {
    // One item per technician (hundreds): the live map reads them all, only the attributes it draws.
    const fleet = await this.scanAll<Item>({
      TableName: this.tableName,
      ProjectionExpression: 'technicianId, lat, lon, recordedAt, #status, currentJob',
      // The test fleet exists for drills only and is never shown to operations.
      FilterExpression: 'NOT begins_with(technicianId, :testFleet)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':testFleet': testTechnicianIdPrefix },
    });
    return fleet.map((item) => toPosition(item.technicianId, item));
  }

  async position(technicianId: string): Promise<TechnicianPosition | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { technicianId } }));
    return Item ? toPosition(technicianId, Item as Item) : undefined;
  }

  async listDispatchable(freshSince: Date): Promise<DispatchableTechnician[]> {
    // The index is sparse, so scanning it reads only technicians who are available: never the whole fleet.
    const available = await this.scanAll<Item>({
      TableName: this.tableName,
      IndexName: dispatchableIndex,
      // The real fleet only: test technicians never count towards availability or coverage.
      FilterExpression: 'recordedAt >= :fresh AND NOT begins_with(dispatchCell, :testFleet)',
      ExpressionAttributeValues: { ':fresh': freshSince.toISOString(), ':testFleet': testFleetPartitionPrefix },
    });
    return available.map((item) => ({
      technicianId: item.technicianId,
      location: { lat: item.lat!, lon: item.lon! },
      recordedAt: new Date(item.recordedAt!),
    }));
  }
}
