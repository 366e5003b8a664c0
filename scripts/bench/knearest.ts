// Part 2: what our exact k-nearest search costs in DynamoDB reads, against dynamodb-geo's radius query on the same points.
import { performance } from 'node:perf_hooks';
import AWS from 'aws-sdk';
import { GeoDataManager, GeoDataManagerConfiguration, GeoTableUtil } from 'dynamodb-geo';
import { closeAllDeps, allDeps } from '../local/all-deps.js';
import { nearestByBruteForce, type Candidate } from '#shared/domain/geo.js';
import type { GeoPoint } from '#shared/domain/emergency.js';
import { isolatedConfig, type SharedEngines } from '../local/isolated.js';
import { britishPoints } from './dataset.js';
import { loadAvailableTechnicians } from './technician-load.js';
import { closedLoop } from './load.js';
import { ratio, sum, summarise, type LatencySummary } from './stats.js';

export interface KNearestOptions {
  sizes: readonly number[];
  requests: number;
  /** How many candidates production dispatch asks for (DISPATCH_CANDIDATES). */
  productionK: number;
  log: (message: string) => void;
}

export interface SearchCost {
  /** Per request, mean of DynamoDB Query calls (pages included). */
  queries: number;
  /** Per request, mean of items DynamoDB read (sum of ScannedCount). */
  itemsRead: number;
}

export interface OurSearch extends SearchCost {
  k: number;
  latencyMs: LatencySummary;
  /** Share of requests whose answer equals brute force exactly (ids and order), %. */
  exactPercent: number;
}

export interface KNearestRow {
  technicians: number;
  requests: number;
  ours: OurSearch[];
  /** Latency includes the library's S2 covering, computed in JavaScript on every query. */
  theirs: SearchCost & { answered: number; medianRadiusKm: number; latencyMs: LatencySummary };
  /** Items read per request, dynamodb-geo ÷ ours at k = 1 (both find the nearest technician). */
  itemsReadRatio: number | null;
}

/** dynamodb-geo's hash key length: 6 is the Java original's default and the closest to our ~20 km cells (≈17 km). */
const theirHashKeyLength = 6;
const seeds = { technicians: 20260114, requests: 90210 };

/** An aws-sdk v2 client whose Query calls are counted, as dynamodb-geo issues them. */
function countingClient(endpoint: string) {
  const client = new AWS.DynamoDB({ endpoint, region: 'eu-west-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxRetries: 3 });
  const counter = { queries: 0, itemsRead: 0 };
  const query = client.query.bind(client);
  const counted = (params: AWS.DynamoDB.QueryInput) => {
    const request = query(params);
    return {
      promise: async () => {
        const output = await request.promise();
        counter.queries += 1;
        counter.itemsRead += output.ScannedCount ?? 0;
        return output;
      },
    };
  };
  Object.assign(client, { query: counted });
  return { client, counter };
}

function theirManager(endpoint: string, tableName: string) {
  const { client, counter } = countingClient(endpoint);
  const config = new GeoDataManagerConfiguration(client, tableName);
  config.hashKeyLength = theirHashKeyLength;
  return { manager: new GeoDataManager(config), config, client, counter };
}

async function loadTheirs(endpoint: string, tableName: string, technicians: readonly Candidate[]): Promise<void> {
  const { manager, client } = theirManager(endpoint, tableName);
  const batches: Candidate[][] = [];
  for (let i = 0; i < technicians.length; i += 25) batches.push(technicians.slice(i, i + 25));
  await closedLoop({
    concurrency: 8,
    total: batches.length,
    run: async (_worker, seq) => {
      const output = await manager
        .batchWritePoints(batches[seq]!.map((t) => ({ RangeKeyValue: { S: t.id }, GeoPoint: { latitude: t.location.lat, longitude: t.location.lon }, PutItemInput: { Item: {} } })))
        .promise();
      let unprocessed = output.UnprocessedItems;
      for (let attempt = 0; unprocessed && Object.keys(unprocessed).length > 0; attempt++) {
        if (attempt > 10) throw new Error('dynamodb-geo load: items stayed unprocessed');
        unprocessed = (await client.batchWriteItem({ RequestItems: unprocessed }).promise()).UnprocessedItems;
      }
    },
  }).then((result) => {
    if (result.errors) throw new Error(`dynamodb-geo load failed: ${JSON.stringify(result.errorKinds)}`);
  });
}

const sameAnswer = (a: readonly { id: string }[], b: readonly { id: string }[]) => a.length === b.length && a.every((x, i) => x.id === b[i]!.id);

export async function benchKNearest(engines: SharedEngines, options: KNearestOptions): Promise<KNearestRow[]> {
  const config = await isolatedConfig(engines);
  const deps = allDeps(config);
  const theirTable = `${config.tables.locations}-dynamodb-geo`;
  const setup = theirManager(engines.dynamodbEndpoint, theirTable);
  const createTable = GeoTableUtil.getCreateTableRequest(setup.config);
  await setup.client.createTable(createTable).promise();

  const largest = Math.max(...options.sizes);
  const fleet: Candidate[] = britishPoints(largest, seeds.technicians).map((location, i) => ({ id: `tech-${String(i).padStart(5, '0')}`, location }));
  const points: GeoPoint[] = britishPoints(options.requests, seeds.requests);
  const rows: KNearestRow[] = [];
  let loaded = 0;
  // When the first technicians reported: each size adds its own with a newer fix, and the 50k measurement alone
  // outlasts LOCATION_FRESH_MINUTES (2), so a freshness window from "now" would drop the first sizes' technicians from
  // our search but not from brute force (in the 30 Nov run: 81.6 % and 33.4 % "exact" at 50k). This part measures
  // what a search reads, so every loaded technician counts as fresh; freshness has its own tests.
  let firstReported: Date | undefined;
  try {
    // Nested datasets (the first 1k of the 10k, of the 50k): each size adds technicians instead of reloading them all.
    for (const size of [...options.sizes].sort((a, b) => a - b)) {
      const adding = fleet.slice(loaded, size);
      options.log(`k-nearest: loading ${adding.length} technicians (total ${size}) into our index and dynamodb-geo's table`);
      const recordedAt = new Date();
      firstReported ??= recordedAt;
      const oursStarted = Date.now();
      await loadAvailableTechnicians(deps, config.tables.locations, adding, recordedAt);
      const oursSeconds = (Date.now() - oursStarted) / 1000;
      await loadTheirs(engines.dynamodbEndpoint, theirTable, adding);
      options.log(`k-nearest: loaded in ${Math.round((Date.now() - recordedAt.getTime()) / 100) / 10} s (ours ${Math.round(oursSeconds * 10) / 10} s); measuring`);
      loaded = size;
      const measuring = Date.now();
      rows.push(await measure(fleet.slice(0, size), points, deps, engines.dynamodbEndpoint, theirTable, options, firstReported));
      options.log(`k-nearest: measured ${size} in ${Math.round((Date.now() - measuring) / 1000)} s`);
    }
  } finally {
    await closeAllDeps(deps);
  }
  return rows;
}

async function measure(
  fleet: readonly Candidate[],
  points: readonly GeoPoint[],
  deps: ReturnType<typeof allDeps>,
  endpoint: string,
  theirTable: string,
  options: KNearestOptions,
  freshSince: Date,
): Promise<KNearestRow> {
  const maxRadiusKm = deps.dispatch.maxRadiusKm;
  const ours: OurSearch[] = [];
  const itemsPerPoint = new Map<number, number[]>();
  // Brute force once at the larger k: ranked nearest first (ties by id), so its first k answers any smaller k.
  const largestK = Math.max(1, options.productionK);
  const ranked = points.map((point) => nearestByBruteForce(point, fleet, { k: largestK, maxRadiusKm }));
  for (const k of [1, options.productionK]) {
    const truth = ranked.map((answer) => answer.slice(0, k));
    const latencies: number[] = [];
    const queries: number[] = [];
    const items: number[] = [];
    let exact = 0;
    // One search at a time: the latency of a search, not of DynamoDB Local under contention.
    for (const [i, point] of points.entries()) {
      const t0 = performance.now();
      const { found, report } = await deps.technicians.nearestDispatchable(point, { k, maxRadiusKm, freshSince });
      latencies.push(performance.now() - t0);
      queries.push(report.queries);
      items.push(report.itemsRead);
      if (sameAnswer(found, truth[i]!)) exact++;
    }
    itemsPerPoint.set(k, items);
    ours.push({ k, queries: sum(queries) / points.length, itemsRead: sum(items) / points.length, latencyMs: summarise(latencies), exactPercent: (100 * exact) / points.length });
  }

  const theirLatencies: number[] = [];
  // dynamodb-geo, told the answer's distance: the smallest radius that still contains the true nearest technician.
  const { manager, counter } = theirManager(endpoint, theirTable);
  const theirQueries: number[] = [];
  const theirItems: number[] = [];
  const ourItemsWhereTheyAnswered: number[] = [];
  const radii: number[] = [];
  const ourK1Items = itemsPerPoint.get(1)!;
  for (const [i, point] of points.entries()) {
    const nearest = ranked[i]![0];
    if (!nearest) continue; // nobody within reach: nothing for a radius query to find
    // Their distance uses a slightly different Earth radius: grow by 0.1 % until the technician is inside.
    for (let radiusM = nearest.distanceKm * 1000 + 1; ; radiusM *= 1.001) {
      counter.queries = 0;
      counter.itemsRead = 0;
      const t0 = performance.now();
      const items = await manager.queryRadius({ RadiusInMeter: radiusM, CenterPoint: { latitude: point.lat, longitude: point.lon } });
      if (items.some((item) => item.rangeKey?.S === nearest.id)) {
        theirLatencies.push(performance.now() - t0);
        theirQueries.push(counter.queries);
        theirItems.push(counter.itemsRead);
        ourItemsWhereTheyAnswered.push(ourK1Items[i]!);
        radii.push(radiusM / 1000);
        break;
      }
      if (radiusM > nearest.distanceKm * 1000 * 1.05 + 100) throw new Error(`dynamodb-geo never returned ${nearest.id} for ${JSON.stringify(point)}`);
    }
  }
  const answered = theirItems.length;
  radii.sort((a, b) => a - b);
  return {
    technicians: fleet.length,
    requests: points.length,
    ours,
    theirs: {
      answered,
      queries: answered ? sum(theirQueries) / answered : 0,
      itemsRead: answered ? sum(theirItems) / answered : 0,
      medianRadiusKm: answered ? Math.round(radii[Math.floor(answered / 2)]! * 100) / 100 : 0,
      latencyMs: summarise(theirLatencies),
    },
    itemsReadRatio: ratio(sum(theirItems), sum(ourItemsWhereTheyAnswered)),
  };
}
