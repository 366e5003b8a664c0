// Issue 28 part 6 on the real engine: what a k = 5 search reads where vans are as dense as central London at 50,000.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haversineKm, nearestByBruteForce, type Candidate } from '#shared/domain/geo.js';
import { dispatchSearchPlan } from '#shared/adapters/dynamodb/technician-index.js';
import { britishPoints, seededRandom } from '../../scripts/bench/dataset.js';
import { loadAvailableTechnicians } from '../../scripts/bench/technician-load.js';
import { testStack, type TestStack } from '../support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await testStack();
});
afterAll(() => stack.close());

const centralLondon = { lat: 51.51, lon: -0.12 };
const reportedAt = new Date('2026-01-14T14:00:00Z');

describe('k = 5 search at 50,000-technician density', () => {
  it('reads at most 100 items a search on average and at most 14 Queries, exactly as brute force', async () => {
    // The benchmark's 50,000 (same seed), only those within 12 km of central London: ~2,600 vans, 6–7 per km² in the
    // middle, the densest part of the benchmark's country. Loading all 50,000 would take minutes.
    const fleet: Candidate[] = britishPoints(50_000, 20260114)
      .map((location, i) => ({ id: `tech-${String(i).padStart(5, '0')}`, location }))
      .filter((t) => haversineKm(centralLondon, t.location) <= 12);
    expect(fleet.length).toBeGreaterThan(2000);
    await loadAvailableTechnicians(stack.deps, stack.config.tables.locations, fleet, reportedAt);

    // 30 breakdowns within 6 km of the centre, so every answer lies inside the loaded disc.
    const random = seededRandom(28);
    const points = Array.from({ length: 30 }, () => {
      const km = 6 * Math.sqrt(random());
      const angle = 2 * Math.PI * random();
      return {
        lat: centralLondon.lat + (km * Math.cos(angle)) / 111.2,
        lon: centralLondon.lon + (km * Math.sin(angle)) / (111.2 * Math.cos((centralLondon.lat * Math.PI) / 180)),
      };
    });
    const items: number[] = [];
    for (const point of points) {
      const query = { k: 5, maxRadiusKm: 92, freshSince: new Date(reportedAt.getTime() - 60_000) };
      const { found, report } = await stack.deps.technicians.nearestDispatchable(point, query);
      expect(found.map((f) => f.id)).toEqual(nearestByBruteForce(point, fleet, query).map((f) => f.id));
      expect(report.queries).toBeLessThanOrEqual(dispatchSearchPlan.maxReads);
      items.push(report.itemsRead);
    }
    const mean = items.reduce((a, b) => a + b, 0) / items.length;
    expect(mean).toBeLessThanOrEqual(100);
  }, 120_000);
});
