// Distances on the Earth and exact k-nearest search over geohash cells, independent of where the cells are stored.
import ngeohash from 'ngeohash';
import type { GeoPoint } from './emergency.js';

export const earthRadiusKm = 6371.0088;
const rad = Math.PI / 180;

export function haversineKm(a: GeoPoint, b: GeoPoint): number {
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * earthRadiusKm * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Distances as customers see them: to 100 m. */
export const roundedKm = (km: number) => Math.round(km * 10) / 10;

export interface Candidate {
  id: string;
  location: GeoPoint;
}

export interface Ranked extends Candidate {
  distanceKm: number;
}

/**
 * A contiguous run of the index: every candidate in `partition` whose geohash sorts from `first` to `last`, both taken
 * as prefixes (so a single cell is first = last = the cell). One run is one DynamoDB Query (before pagination).
 */
export interface IndexRange {
  partition: string;
  first: string;
  last: string;
}

/** Where the index is read from (a DynamoDB GSI in production). */
export interface CellReader {
  read(range: IndexRange): Promise<Candidate[]>;
}

export interface SearchStats {
  /** Ranges read, i.e. DynamoDB Queries issued (before pagination). */
  reads: number;
  /** Levels of the search that were read (1 = answered from the first level). */
  levels: number;
}

/** A fine level: read the `cells` cells of this geohash precision nearest the point, all in parallel. */
export interface FineLevel {
  precision: number;
  cells: number;
  /**
   * Cells of one partition at most this many cells apart in key order (first to last, inclusive) are read as ONE range,
   * with the cells between them: fewer Queries for a bounded over-read, and what is over-read counts as searched.
   * Default 1: one range per cell.
   */
  span?: number;
}

export interface NearestOptions {
  k: number;
  maxRadiusKm: number;
  /**
   * Fine levels tried first, finest first. Each stops the search if it proves the answer. A first level that finds
   * nobody says the area is sparse, and the search goes straight to the partitions. Default: none.
   */
  fine?: readonly FineLevel[];
  /** Candidates never to return (e.g. technicians who declined this job). */
  exclude?: ReadonlySet<string>;
}

/**
 * The index partition a geohash belongs to: its first 13 bits, a 2.8125° × 2.8125° block (≈ 195 × 312 km at London,
 * 150 × 312 km in Shetland). Every cell of geohash precision ≥ 3 lies inside one partition, and the geohashes of a
 * partition are one contiguous run of sort keys, so any cell (or run of cells) in it is one Query. Chosen so that a disc
 * of up to 146 km around any point in the UK touches at most 6 partitions: see docs/api.md, "Dispatch".
 */
export function partitionOf(geohash: string): string {
  const third = base32.indexOf(geohash[2]!);
  return `${geohash.slice(0, 2)}:${third >> 2}`;
}

const base32 = '0123456789bcdefghjkmnpqrstuvwxyz';

/** Lower bound on the distance from `point` to anything inside the box (0 inside it); same bounds as coveredRadiusKm. */
export function distanceToBoxKm(point: GeoPoint, [minLat, minLon, maxLat, maxLon]: readonly number[]): number {
  const dLat = point.lat > maxLat! ? point.lat - maxLat! : point.lat < minLat! ? minLat! - point.lat : 0;
  const dLon = point.lon > maxLon! ? point.lon - maxLon! : point.lon < minLon! ? minLon! - point.lon : 0;
  const toParallel = earthRadiusKm * dLat * rad;
  const toMeridian =
    earthRadiusKm * Math.asin(Math.min(1, Math.abs(Math.sin(Math.min(dLon, 90) * rad)) * Math.cos(point.lat * rad)));
  return Math.max(toParallel, toMeridian);
}

const cellBox = (cell: string) => ngeohash.decode_bbox(cell);
/** Floating-point slack between the bounds and haversine: never let rounding drop a candidate on the boundary. */
const slackKm = 1e-6;

/** A geohash's position in key order among the cells of its precision (base32 digits are in ASCII order). */
const cellIndex = (cell: string) => [...cell].reduce((n, ch) => n * 32 + base32.indexOf(ch), 0);

/**
 * The ranges that read `cells` (all of one precision): one per run of cells of one partition whose first and last are
 * at most `span` cells apart in key order, greedily from the lowest key. Never more ranges than cells.
 */
export function rangesOfCells(cells: readonly string[], span = 1): IndexRange[] {
  const byPartition = new Map<string, string[]>();
  for (const cell of cells) byPartition.set(partitionOf(cell), [...(byPartition.get(partitionOf(cell)) ?? []), cell]);
  const ranges: IndexRange[] = [];
  for (const [partition, members] of [...byPartition.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    members.sort();
    let current: IndexRange | undefined;
    for (const cell of members) {
      if (current && cellIndex(cell) - cellIndex(current.first) < span) current.last = cell;
      else ranges.push((current = { partition, first: cell, last: cell }));
    }
  }
  return ranges;
}

/** Whether a range reads the whole of `cell` (a cell of the same precision as the range's ends). */
const rangeHolds = (range: IndexRange, cell: string) =>
  range.partition === partitionOf(cell) && cell >= range.first && cell <= range.last;

/**
 * The `count` cells of `precision` nearest the point, the ranges that read them (see rangesOfCells), and how far the
 * search is proven to reach once those are read: the nearest cell of the 5 × 5 block around the point's cell that no
 * range reads, or the block's own edge.
 */
export function nearestCells(
  point: GeoPoint,
  precision: number,
  count: number,
  span = 1,
): { cells: string[]; ranges: IndexRange[]; coveredKm: number } {
  const center = ngeohash.encode(point.lat, point.lon, precision);
  const block = [0, 1, 2]
    .flatMap((ring) => ringCells(center, ring))
    .map((cell) => ({ cell, km: distanceToBoxKm(point, cellBox(cell)) }));
  block.sort((a, b) => a.km - b.km || (a.cell < b.cell ? -1 : 1));
  const cells = block.slice(0, count).map((c) => c.cell);
  const ranges = rangesOfCells(cells, span);
  const unread = block.filter((c) => !ranges.some((range) => rangeHolds(range, c.cell)));
  const coveredKm = Math.min(coveredRadiusKm(point, center, 2), ...unread.map((c) => c.km)) - slackKm;
  return { cells, ranges, coveredKm };
}

/**
 * The ranges that hold every candidate within `radiusKm`: one per partition the disc touches, from the first to the
 * last precision-4 cell (in key order) of that partition within reach. Reads a little more than the disc, never less.
 */
export function rangesWithin(point: GeoPoint, radiusKm: number): IndexRange[] {
  const center = ngeohash.encode(point.lat, point.lon, 3);
  let ring = 0;
  while (coveredRadiusKm(point, center, ring) <= radiusKm + slackKm) ring++;
  const byPartition = new Map<string, string[]>();
  for (let r = 0; r <= ring; r++) {
    for (const coarse of ringCells(center, r)) {
      if (distanceToBoxKm(point, cellBox(coarse)) > radiusKm + slackKm) continue;
      for (const c of base32) {
        const cell = coarse + c;
        if (distanceToBoxKm(point, cellBox(cell)) > radiusKm + slackKm) continue;
        const partition = partitionOf(cell);
        byPartition.set(partition, [...(byPartition.get(partition) ?? []), cell]);
      }
    }
  }
  return [...byPartition.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([partition, cells]) => {
      cells.sort();
      return { partition, first: cells[0]!, last: cells[cells.length - 1]! };
    });
}

/** Nearest first; equal distances ordered by id, so the answer is deterministic. */
export const byDistanceThenId = (a: Ranked, b: Ranked) =>
  a.distanceKm - b.distanceKm || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The cells at Chebyshev distance exactly `ring` from `center` in the geohash grid (ring 0 is the cell itself). */
export function ringCells(center: string, ring: number): string[] {
  const [minLat, minLon, maxLat, maxLon] = ngeohash.decode_bbox(center);
  const height = maxLat - minLat;
  const width = maxLon - minLon;
  const midLat = (minLat + maxLat) / 2;
  const midLon = (minLon + maxLon) / 2;
  const cells = new Set<string>();
  for (let i = -ring; i <= ring; i++) {
    for (let j = -ring; j <= ring; j++) {
      if (Math.max(Math.abs(i), Math.abs(j)) !== ring) continue;
      const lat = midLat + i * height;
      if (lat <= -90 || lat >= 90) continue;
      // Wrap longitude across the antimeridian; irrelevant for the UK, but keeps the function total.
      const lon = ((((midLon + j * width + 180) % 360) + 360) % 360) - 180;
      cells.add(ngeohash.encode(lat, lon, center.length));
    }
  }
  return [...cells];
}

/**
 * A lower bound on the distance from `point` to anything outside the block of cells within `ring` of `center`.
 * North/south: the closest point of a parallel lies along the point's own meridian. East/west: the distance to the
 * whole meridian great circle, which is never more than the distance to the block's edge on it.
 */
export function coveredRadiusKm(point: GeoPoint, center: string, ring: number): number {
  const [minLat, minLon, maxLat, maxLon] = ngeohash.decode_bbox(center);
  const height = maxLat - minLat;
  const width = maxLon - minLon;
  const north = maxLat + ring * height;
  const south = minLat - ring * height;
  const east = maxLon + ring * width;
  const west = minLon - ring * width;
  const toMeridian = (lon: number) => {
    const dLon = Math.min(Math.abs(lon - point.lon), 90) * rad;
    return earthRadiusKm * Math.asin(Math.min(1, Math.abs(Math.sin(dLon)) * Math.cos(point.lat * rad)));
  };
  const toParallel = (lat: number) => earthRadiusKm * Math.abs(lat - point.lat) * rad;
  return Math.min(toParallel(north), toParallel(south), toMeridian(east), toMeridian(west));
}

/**
 * Exact k-nearest with a bounded number of reads: the fine levels (a few cells each) answer where technicians are
 * close; otherwise one range per partition within maxRadiusKm reads everything in reach. The index holds only
 * dispatchable technicians, so where supply has run out (an exhausted city, the Highlands) those ranges hold few items.
 * Equal to brute force by construction: a level only answers when k candidates are strictly inside what it has proven.
 */
export async function nearest(
  point: GeoPoint,
  reader: CellReader,
  options: NearestOptions,
): Promise<{ found: Ranked[]; stats: SearchStats }> {
  const seen = new Map<string, Ranked>();
  const stats: SearchStats = { reads: 0, levels: 0 };
  const readAll = async (ranges: IndexRange[]) => {
    const batches = await Promise.all(ranges.map((range) => reader.read(range)));
    stats.reads += ranges.length;
    stats.levels += 1;
    for (const candidate of batches.flat()) {
      if (options.exclude?.has(candidate.id)) continue;
      const distanceKm = haversineKm(point, candidate.location);
      if (distanceKm <= options.maxRadiusKm) seen.set(candidate.id, { ...candidate, distanceKm });
    }
    return [...seen.values()].sort(byDistanceThenId);
  };
  for (const [index, level] of (options.fine ?? []).entries()) {
    // Sparse here: the finest cells found nobody, so the other fine levels would only add reads.
    if (index > 0 && seen.size === 0) break;
    const { ranges, coveredKm } = nearestCells(point, level.precision, level.cells, level.span);
    const ranked = await readAll(ranges);
    const kth = ranked[options.k - 1];
    // Ties at exactly the covered distance could hide an equal candidate with a smaller id just outside: strictly inside.
    if ((kth && kth.distanceKm < coveredKm) || coveredKm > options.maxRadiusKm)
      return { found: ranked.slice(0, options.k), stats };
  }
  // k candidates already seen bound the answer: the true k nearest are no further than the k-th of them, so the
  // partitions are read only that far (often far less than the service radius, so far fewer items).
  const kthSeen = [...seen.values()].sort(byDistanceThenId)[options.k - 1];
  const ranked = await readAll(rangesWithin(point, Math.min(options.maxRadiusKm, kthSeen?.distanceKm ?? Infinity)));
  return { found: ranked.slice(0, options.k), stats };
}

/** Brute force over a full list: the definition `nearest` must match. */
export function nearestByBruteForce(
  point: GeoPoint,
  all: readonly Candidate[],
  options: Omit<NearestOptions, 'fine'>,
): Ranked[] {
  return all
    .filter((c) => !options.exclude?.has(c.id))
    .map((c) => ({ ...c, distanceKm: haversineKm(point, c.location) }))
    .filter((c) => c.distanceKm <= options.maxRadiusKm)
    .sort(byDistanceThenId)
    .slice(0, options.k);
}

/** How an adaptive search spends its Queries: see nearestAdaptive. */
export interface AdaptivePlan {
  /** The first disc read, km: about where the k-th nearest lies in the densest city the service has. */
  firstRadiusKm: number;
  /** Ranges (Queries before pagination) one disc may take, except the last, which may take what is left. */
  levelReads: number;
  /** Ranges the whole search may take. */
  maxReads: number;
}

/** Precisions a disc may be read at; finer than 7 (~100 m) would only add ranges. */
const coverPrecisions = [4, 5, 6, 7] as const;
/** Beyond this many cells a precision is too fine for the disc: its cover would merge into the same few ranges anyway. */
const maxCoverCells = 4096;
/**
 * What one more Query is worth in items read, when a disc chooses between fewer ranges and less ground: a Query costs
 * at least one read unit whatever it returns, which pays for about 4 KB of items (~20 of ours).
 */
export const queryCostInItems = 20;

/** Whether `cell` lies wholly inside a range already read (a range of the same or a coarser precision). */
const alreadyRead = (ranges: readonly IndexRange[], cell: string) =>
  ranges.some((range) => {
    if (range.first.length > cell.length || range.partition !== partitionOf(cell)) return false;
    const prefix = cell.slice(0, range.first.length);
    return prefix >= range.first && prefix <= range.last;
  });

/**
 * The cells of `precision` that hold anything within `radiusKm` of the point, less those wholly inside ranges already
 * read; undefined when there would be more than maxCoverCells.
 */
function discCells(point: GeoPoint, radiusKm: number, precision: number, read: readonly IndexRange[]) {
  const [minLat, minLon, maxLat, maxLon] = ngeohash.decode_bbox(ngeohash.encode(point.lat, point.lon, precision));
  const height = maxLat - minLat;
  const width = maxLon - minLon;
  const latReach = Math.ceil(radiusKm / (earthRadiusKm * height * rad)) + 1;
  const lonKmPerDegree = earthRadiusKm * rad * Math.cos(Math.min(89, Math.abs(point.lat) + latReach * height) * rad);
  const lonReach = Math.ceil(radiusKm / (lonKmPerDegree * width)) + 1;
  if ((2 * latReach + 1) * (2 * lonReach + 1) > maxCoverCells * 4) return undefined;
  const cells = new Set<string>();
  for (let i = -latReach; i <= latReach; i++) {
    const lat = (minLat + maxLat) / 2 + i * height;
    if (lat <= -90 || lat >= 90) continue;
    for (let j = -lonReach; j <= lonReach; j++) {
      const lon = (((((minLon + maxLon) / 2 + j * width + 180) % 360) + 360) % 360) - 180;
      const cell = ngeohash.encode(lat, lon, precision);
      if (distanceToBoxKm(point, cellBox(cell)) <= radiusKm + slackKm && !alreadyRead(read, cell)) cells.add(cell);
    }
  }
  return cells.size > maxCoverCells ? undefined : [...cells];
}

/**
 * Merges cells (of one precision) into at most `maxRanges` ranges, closing the smallest gaps in key order first, so
 * that what is read beyond the cells is as little as merging allows. Undefined if they span more partitions than that.
 * `cells` is how many cells the ranges read, the gaps included.
 */
function mergeIntoRanges(
  cells: readonly string[],
  maxRanges: number,
  cost: (cells: number, ranges: number) => number,
): { ranges: IndexRange[]; cells: number } | undefined {
  const runs = rangesOfCells(cells, 1).reduce<
    { partition: string; first: string; last: string; from: number; to: number }[]
  >((merged, range) => {
    const from = cellIndex(range.first);
    const previous = merged[merged.length - 1];
    if (previous && previous.partition === range.partition && from === previous.to + 1) {
      previous.last = range.last;
      previous.to = from;
    } else merged.push({ ...range, from, to: from });
    return merged;
  }, []);
  if (new Set(runs.map((run) => run.partition)).size > maxRanges) return undefined;
  let total = cells.length;
  let best: { ranges: IndexRange[]; cells: number; cost: number } | undefined;
  for (;;) {
    if (runs.length <= maxRanges && (!best || cost(total, runs.length) < best.cost)) {
      best = {
        ranges: runs.map(({ partition, first, last }) => ({ partition, first, last })),
        cells: total,
        cost: cost(total, runs.length),
      };
    }
    let closest = -1;
    for (let i = 1; i < runs.length; i++) {
      if (runs[i]!.partition !== runs[i - 1]!.partition) continue;
      const gap = runs[i]!.from - runs[i - 1]!.to;
      if (closest < 0 || gap < runs[closest]!.from - runs[closest - 1]!.to) closest = i;
    }
    if (closest < 0) return best;
    const [next] = runs.splice(closest, 1);
    total += next!.from - runs[closest - 1]!.to - 1;
    runs[closest - 1]!.last = next!.last;
    runs[closest - 1]!.to = next!.to;
  }
}

/** A cell's area in km² at the point's latitude (cells of one precision differ only by latitude). */
function cellAreaKm2(point: GeoPoint, precision: number): number {
  const [minLat, minLon, maxLat, maxLon] = ngeohash.decode_bbox(ngeohash.encode(point.lat, point.lon, precision));
  return (earthRadiusKm * rad) ** 2 * (maxLat - minLat) * (maxLon - minLon) * Math.cos(point.lat * rad);
}

/**
 * The ranges, at most `maxRanges`, that read everything within `radiusKm` of the point not already read, at whichever
 * precision reads the least ground: fine cells fit a small disc closely but need many ranges, which merging turns into
 * over-read; coarse cells need few. Undefined when the disc touches more partitions than maxRanges (at most 6 in the UK
 * for 146 km), or needs more cells than any precision allows.
 */
export function coverDisc(
  point: GeoPoint,
  radiusKm: number,
  maxRanges: number,
  read: readonly IndexRange[] = [],
  perKm2 = 0,
): { ranges: IndexRange[]; areaKm2: number } | undefined {
  let best: { ranges: IndexRange[]; areaKm2: number; cost: number } | undefined;
  for (const precision of coverPrecisions) {
    const cells = discCells(point, radiusKm, precision, read);
    if (!cells) break;
    const cellKm2 = cellAreaKm2(point, precision);
    const cost = (n: number, ranges: number) => n * cellKm2 * perKm2 + ranges * queryCostInItems;
    const merged = mergeIntoRanges(cells, maxRanges, cost);
    if (!merged) continue;
    const areaKm2 = merged.cells * cellKm2;
    const total = cost(merged.cells, merged.ranges.length);
    if (!best || total < best.cost) best = { ranges: merged.ranges, areaKm2, cost: total };
  }
  return best && { ranges: best.ranges, areaKm2: best.areaKm2 };
}

/**
 * Exact k-nearest that reads little ground wherever technicians are, dense or sparse, in at most plan.maxReads ranges.
 * It reads discs around the point, each proving everything within its radius: the first of plan.firstRadiusKm; while
 * fewer than k are seen, a wider one sized from the density seen so far (k over what was found per km², with room to
 * spare); once k are seen, the disc out to the k-th of them, which holds the answer. Each disc leaves out what earlier
 * ones read, and is read at the precision that reads the least ground in its share of ranges. The last disc may always
 * take one range per partition, so the bound holds anywhere.
 */
export async function nearestAdaptive(
  point: GeoPoint,
  reader: CellReader,
  options: Omit<NearestOptions, 'fine'> & { plan: AdaptivePlan },
): Promise<{ found: Ranked[]; stats: SearchStats }> {
  const { k, maxRadiusKm, plan } = options;
  const seen = new Map<string, Ranked>();
  const stats: SearchStats = { reads: 0, levels: 0 };
  const read: IndexRange[] = [];
  // The last disc reaches at most maxRadiusKm: one range per partition it touches is always enough for it.
  const lastReads = new Set(rangesWithin(point, maxRadiusKm).map((range) => range.partition)).size;
  let radiusKm = Math.min(plan.firstRadiusKm, maxRadiusKm);
  let groundKm2 = 0;
  for (;;) {
    const kth = [...seen.values()].sort(byDistanceThenId)[k - 1];
    const left = plan.maxReads - stats.reads;
    // k seen bound the answer: the disc out to the k-th of them is the last. So is any disc that would leave too few
    // Queries for a last one, or that cannot be read in its share of them.
    if (kth) radiusKm = kth.distanceKm;
    // Items per km² so far (before the first disc, what the first radius assumes): what fine cells would save.
    const perKm2 = groundKm2 > 0 ? Math.max(1, seen.size) / groundKm2 : k / (Math.PI * plan.firstRadiusKm ** 2);
    let cover =
      kth || left - lastReads < 1
        ? undefined
        : coverDisc(point, radiusKm, Math.min(plan.levelReads, left - lastReads), read, perKm2);
    const last = !cover;
    if (!cover) {
      if (!kth) radiusKm = maxRadiusKm;
      cover = coverDisc(point, radiusKm, left, read, perKm2) ?? {
        ranges: rangesWithin(point, radiusKm),
        areaKm2: Infinity,
      };
    }
    const { ranges, areaKm2 } = cover;
    const batches = await Promise.all(ranges.map((range) => reader.read(range)));
    stats.reads += ranges.length;
    stats.levels += 1;
    read.push(...ranges);
    groundKm2 += areaKm2;
    for (const candidate of batches.flat()) {
      if (options.exclude?.has(candidate.id)) continue;
      const distanceKm = haversineKm(point, candidate.location);
      if (distanceKm <= maxRadiusKm) seen.set(candidate.id, { ...candidate, distanceKm });
    }
    const after = [...seen.values()].sort(byDistanceThenId);
    // Everything within radiusKm has now been read: the k nearest are proven if the k-th lies inside it (or nothing
    // further could count). Ties at exactly the radius would hide an equal candidate with a smaller id: strictly inside.
    const proven = after[k - 1];
    if (last || (proven && proven.distanceKm <= radiusKm) || radiusKm >= maxRadiusKm) {
      return { found: after.slice(0, k), stats };
    }
    if (!proven) {
      // Fewer than k within reach so far: size the next disc from the density seen (k at that density, doubled in
      // area), at least twice this one; nobody at all says sparse, so jump by more.
      const density = seen.size / Math.max(groundKm2, Math.PI * radiusKm ** 2);
      const needed = seen.size > 0 ? Math.sqrt((2 * k) / (Math.PI * density)) : radiusKm * 8;
      radiusKm = Math.min(maxRadiusKm, Math.max(2 * radiusKm, needed));
    }
  }
}
