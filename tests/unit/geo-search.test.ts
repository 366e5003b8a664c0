import fc from 'fast-check';
import ngeohash from 'ngeohash';
import { describe, expect, it } from 'vitest';
import { coveredRadiusKm, haversineKm, nearest, nearestByBruteForce, ringCells, type Candidate, type CellReader } from '../../shared/domain/geo.js';
import { dispatchRefinement } from '../../shared/adapters/dynamodb/technician-index.js';

// The algorithm is tested here against brute force; tests/integration/technician-index.test.ts runs it on DynamoDB Local.
function cellReader(all: readonly Candidate[], precision: number): CellReader & { reads: number } {
  const byCell = new Map<string, Candidate[]>();
  for (const c of all) {
    const cell = ngeohash.encode(c.location.lat, c.location.lon, precision);
    byCell.set(cell, [...(byCell.get(cell) ?? []), c]);
  }
  // Finer cells are read as a prefix of their coarse cell, as the DynamoDB adapter does with begins_with on the sort key.
  const inCell = (cell: string) => (byCell.get(cell.slice(0, precision)) ?? []).filter((c) => ngeohash.encode(c.location.lat, c.location.lon, cell.length) === cell);
  const reader = { reads: 0, readCell: (cell: string) => ((reader.reads += 1), Promise.resolve(inCell(cell))) };
  return reader;
}

const places = {
  london: { lat: 51.5072, lon: -0.1276 },
  greenwich: { lat: 51.4779, lon: 0.0 },
  lerwick: { lat: 60.155, lon: -1.145 },
  scilly: { lat: 49.915, lon: -6.315 },
  highlands: { lat: 57.3, lon: -5.0 },
  manchester: { lat: 53.4808, lon: -2.2426 },
};

// Points near a centre, plus points snapped exactly onto geohash cell edges and onto longitude 0.
const nearby = (centre: { lat: number; lon: number }, spreadDeg: number) =>
  fc.record({
    lat: fc.double({ min: centre.lat - spreadDeg, max: centre.lat + spreadDeg, noNaN: true }),
    lon: fc.double({ min: centre.lon - spreadDeg * 1.6, max: centre.lon + spreadDeg * 1.6, noNaN: true }),
  });
const onCellEdges = (precision: number) =>
  nearby(places.greenwich, 1).map(({ lat, lon }) => {
    const [minLat, minLon] = ngeohash.decode_bbox(ngeohash.encode(lat, lon, precision));
    return { lat: minLat, lon: minLon };
  });
const onPrimeMeridian = fc.double({ min: 50, max: 53, noNaN: true }).map((lat) => ({ lat, lon: 0 }));

const dataset = (centre: { lat: number; lon: number }) =>
  fc
    .array(
      fc.oneof(nearby(centre, 1.5), nearby(centre, 0.03), onCellEdges(4), onCellEdges(5), onCellEdges(6), onPrimeMeridian, nearby(places.lerwick, 0.3), nearby(places.scilly, 0.2)),
      { maxLength: 150 },
    )
    .map((points) => points.map((location, i) => ({ id: `t${String(i).padStart(3, '0')}`, location })));

// No refinement, the adapter's default (small cells first), and two finer levels.
const refinements = fc.constantFrom(undefined, dispatchRefinement, [{ precision: 6, rings: 1 }, { precision: 5, rings: 2 }]);

describe('nearest', () => {
  it.each(Object.entries(places))('equals brute force for requests around %s', async (_name, centre) => {
    await fc.assert(
      fc.asyncProperty(dataset(centre), fc.oneof(nearby(centre, 0.8), nearby(centre, 0.02)), fc.integer({ min: 1, max: 6 }), fc.constantFrom(3, 4), refinements, async (all, point, k, precision, refine) => {
        const options = { k, maxRadiusKm: 150 };
        const { found } = await nearest(point, cellReader(all, precision), { ...options, precision, refine });
        expect(found).toEqual(nearestByBruteForce(point, all, options));
      }),
      { numRuns: 60 },
    );
  });

  it('skips excluded candidates (technicians who declined) exactly as brute force does', async () => {
    await fc.assert(
      fc.asyncProperty(dataset(places.london), nearby(places.london, 0.5), async (all, point) => {
        const exclude = new Set(all.filter((_, i) => i % 3 === 0).map((c) => c.id));
        const options = { k: 3, maxRadiusKm: 150, exclude };
        const { found } = await nearest(point, cellReader(all, 4), { ...options, precision: 4 });
        expect(found).toEqual(nearestByBruteForce(point, all, options));
      }),
      { numRuns: 60 },
    );
  });

  it('finds the candidate across the prime meridian, where geohash splits at the top level', async () => {
    const all = [{ id: 'east', location: { lat: 51.48, lon: 0.001 } }, { id: 'west-far', location: { lat: 51.48, lon: -0.3 } }];
    const { found } = await nearest({ lat: 51.48, lon: -0.001 }, cellReader(all, 4), { k: 1, maxRadiusKm: 150, precision: 4 });
    expect(found.map((f) => f.id)).toEqual(['east']);
  });

  it('returns nobody in an empty Highland glen, having stopped at the maximum radius', async () => {
    const reader = cellReader([{ id: 'glasgow', location: { lat: 55.86, lon: -4.25 } }], 4);
    const { found, stats } = await nearest(places.highlands, reader, { k: 1, maxRadiusKm: 150, precision: 4 });
    expect(found).toEqual([]);
    expect(stats.rings).toBeGreaterThan(1);
    expect(reader.reads).toBe(stats.cellsRead);
  });

  it('answers from a few small cells in a dense city instead of reading the whole coarse cell', async () => {
    // ~5 technicians per km² over 27 × 27 km, and a request in the middle of a precision-5 cell.
    const city = Array.from({ length: 3600 }, (_, i) => ({ id: `c${i}`, location: { lat: 51.38 + (i % 60) * 0.004, lon: -0.3 + Math.floor(i / 60) * 0.0065 } }));
    const { latitude: lat, longitude: lon } = ngeohash.decode(ngeohash.encode(51.5, -0.12, 5));
    const point = { lat, lon };
    const coarse = cellReader(city, 4);
    const fine = cellReader(city, 4);
    const counted = (reader: CellReader): CellReader => ({
      readCell: async (cell) => {
        const inCell = await reader.readCell(cell);
        itemsRead += inCell.length;
        return inCell;
      },
    });
    let itemsRead = 0;
    const plain = await nearest(point, counted(coarse), { k: 5, maxRadiusKm: 150, precision: 4 });
    const plainItems = itemsRead;
    itemsRead = 0;
    const refined = await nearest(point, counted(fine), { k: 5, maxRadiusKm: 150, precision: 4, refine: dispatchRefinement });
    expect(refined.found).toEqual(plain.found);
    expect(itemsRead).toBeLessThan(plainItems / 4);
  });

  it('goes straight to coarse cells when the first small cell finds nobody', async () => {
    const reader = cellReader([{ id: 'far', location: { lat: 57.8, lon: -5.2 } }], 4);
    const { found, stats } = await nearest(places.highlands, reader, { k: 1, maxRadiusKm: 150, precision: 4, refine: dispatchRefinement });
    expect(found.map((f) => f.id)).toEqual(['far']);
    // One small cell, found empty, then coarse rings only.
    const coarseOnly = await nearest(places.highlands, cellReader([{ id: 'far', location: { lat: 57.8, lon: -5.2 } }], 4), { k: 1, maxRadiusKm: 150, precision: 4 });
    expect(stats.cellsRead).toBe(1 + coarseOnly.stats.cellsRead);
  });

  it('reads only the first ring when k candidates sit close to the centre of a cell', async () => {
    const [lat, lon] = [51.59, -0.175]; // middle of cell gcpv
    const all = [{ id: 'a', location: { lat: lat + 0.001, lon } }, { id: 'b', location: { lat, lon: lon + 0.001 } }];
    const { stats } = await nearest({ lat, lon }, cellReader(all, 4), { k: 2, maxRadiusKm: 150, precision: 4 });
    expect(stats).toEqual({ cellsRead: 1, rings: 1 });
  });
});

describe('ringCells', () => {
  it('gives 1 cell for ring 0 and 8r cells for ring r', () => {
    expect(ringCells('gcpv', 0)).toEqual(['gcpv']);
    expect(ringCells('gcpv', 1)).toHaveLength(8);
    expect(ringCells('gcpv', 3)).toHaveLength(24);
    expect(new Set(ringCells('gcpv', 1))).toEqual(new Set(Object.values(ngeohash.neighbors('gcpv'))));
  });
});

describe('coveredRadiusKm', () => {
  it('never exceeds the true distance to any point outside the searched block', () => {
    fc.assert(
      fc.property(nearby(places.london, 0.1), fc.integer({ min: 0, max: 4 }), nearby(places.london, 3), (point, ring, outside) => {
        const center = ngeohash.encode(point.lat, point.lon, 4);
        const block = new Set(Array.from({ length: ring + 1 }, (_, r) => ringCells(center, r)).flat());
        fc.pre(!block.has(ngeohash.encode(outside.lat, outside.lon, 4)));
        expect(coveredRadiusKm(point, center, ring)).toBeLessThanOrEqual(haversineKm(point, outside) + 1e-9);
      }),
      { numRuns: 500 },
    );
  });
});

describe('haversineKm', () => {
  it.each([
    [places.london, places.manchester, 262],
    [places.lerwick, places.scilly, 1184],
    [places.london, places.london, 0],
  ])('measures %o to %o as about %d km', (a, b, km) => {
    expect(haversineKm(a, b)).toBeCloseTo(km, -1);
  });
});
