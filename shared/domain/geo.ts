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

export interface Candidate {
  id: string;
  location: GeoPoint;
}

export interface Ranked extends Candidate {
  distanceKm: number;
}

/** Where cells are read from (a DynamoDB GSI in production); reports what each read cost. */
export interface CellReader {
  /** Every candidate whose geohash starts with `cell` (cells of any precision the search uses). */
  readCell(cell: string): Promise<Candidate[]>;
}

export interface SearchStats {
  /** Cells read, i.e. DynamoDB queries issued (before pagination). */
  cellsRead: number;
  rings: number;
}

export interface NearestOptions {
  k: number;
  maxRadiusKm: number;
  /** Precision of the coarsest cells, read outward until the answer is proven or maxRadiusKm is passed. */
  precision: number;
  /**
   * Finer cells to try first, each for at most `rings` rings: in a city a few small cells already hold the k nearest,
   * so reading a whole coarse cell would read hundreds of technicians for nothing. A level that finds nobody at all
   * means a sparse area, and the search goes straight to the coarse cells.
   */
  refine?: readonly { precision: number; rings: number }[];
  /** Candidates never to return (e.g. technicians who declined this job). */
  exclude?: ReadonlySet<string>;
}

/** Nearest first; equal distances ordered by id, so the answer is deterministic. */
export const byDistanceThenId = (a: Ranked, b: Ranked) => a.distanceKm - b.distanceKm || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

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
 * Exact k-nearest: read rings of cells outward from the point's cell until k candidates are closer than the distance
 * the rings read so far guarantee, or the guaranteed distance passes maxRadiusKm. Equal to brute force by construction,
 * at every level: finer levels only stop early when their own guarantee already proves the answer.
 */
export async function nearest(point: GeoPoint, reader: CellReader, options: NearestOptions): Promise<{ found: Ranked[]; stats: SearchStats }> {
  const seen = new Map<string, Ranked>();
  const stats: SearchStats = { cellsRead: 0, rings: 0 };
  const levels = [...(options.refine ?? []), { precision: options.precision, rings: Number.POSITIVE_INFINITY }];
  for (const [index, level] of levels.entries()) {
    const refining = index < levels.length - 1;
    // Sparse here: the finest cells found nobody, so the other fine levels would only add queries.
    if (refining && index > 0 && seen.size === 0) continue;
    const center = ngeohash.encode(point.lat, point.lon, level.precision);
    for (let ring = 0; ring <= level.rings; ring++) {
      const cells = ringCells(center, ring);
      const batches = await Promise.all(cells.map((cell) => reader.readCell(cell)));
      stats.cellsRead += cells.length;
      stats.rings += 1;
      for (const candidate of batches.flat()) {
        if (options.exclude?.has(candidate.id)) continue;
        const distanceKm = haversineKm(point, candidate.location);
        if (distanceKm <= options.maxRadiusKm) seen.set(candidate.id, { ...candidate, distanceKm });
      }
      const covered = coveredRadiusKm(point, center, ring);
      const ranked = [...seen.values()].sort(byDistanceThenId);
      const kth = ranked[options.k - 1];
      // Ties at exactly the covered distance could hide an equal candidate with a smaller id just outside: require strictly inside.
      if ((kth && kth.distanceKm < covered) || covered > options.maxRadiusKm) return { found: ranked.slice(0, options.k), stats };
      // An empty small cell says the area is sparse: widening in small cells would only add queries.
      if (refining && seen.size === 0) break;
    }
  }
  /* c8 ignore next -- the last level has no ring limit, so the loop above always returns */
  throw new Error('unreachable');
}

/** Brute force over a full list: the definition `nearest` must match. */
export function nearestByBruteForce(point: GeoPoint, all: readonly Candidate[], options: Omit<NearestOptions, 'precision'>): Ranked[] {
  return all
    .filter((c) => !options.exclude?.has(c.id))
    .map((c) => ({ ...c, distanceKm: haversineKm(point, c.location) }))
    .filter((c) => c.distanceKm <= options.maxRadiusKm)
    .sort(byDistanceThenId)
    .slice(0, options.k);
}
