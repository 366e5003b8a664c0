import { describe, expect, it } from 'vitest';
import {
  coveragePercent,
  ukPopulationPoints,
  type CoverageSettings,
  type PopulationPoint,
} from '#shared/domain/coverage.js';
import { defaultEtaSettings } from '#shared/domain/eta.js';
import { earthRadiusKm } from '#shared/domain/geo.js';

const settings: CoverageSettings = { eta: defaultEtaSettings, slaMinutes: 90, maxRadiusKm: 150 };
const now = new Date('2026-02-01T12:00:00Z');
const kmNorthOf = (lat: number, km: number) => lat + (km / earthRadiusKm) * (180 / Math.PI);
const points: PopulationPoint[] = [
  { name: 'big', location: { lat: 52, lon: 0 }, population: 3 },
  { name: 'small', location: { lat: 54, lon: 0 }, population: 1 },
];

describe('coveragePercent', () => {
  // Rural drive: 10 min to mobilise + 1.3 × d km at 60 km/h, rounded up: 61 km is 90 min (in time), 62 km is 91.
  it.each([
    { why: 'a technician 61 km away covers the point (ETA 90 min)', km: 61, percent: 75 },
    { why: 'a technician 62 km away does not (ETA 91 min)', km: 62, percent: 0 },
    { why: 'a technician on the point covers it', km: 0, percent: 75 },
  ])('weights by population: $why', ({ km, percent }) => {
    expect(coveragePercent([{ lat: kmNorthOf(52, km), lon: 0 }], now, settings, points)).toBe(percent);
  });

  it('is 100 when every point is reachable and 0 with no technicians at all', () => {
    expect(
      coveragePercent(
        [
          { lat: 52, lon: 0 },
          { lat: 54, lon: 0 },
        ],
        now,
        settings,
        points,
      ),
    ).toBe(100);
    expect(coveragePercent([], now, settings, points)).toBe(0);
    expect(coveragePercent([], now, settings)).toBe(0);
  });

  // 35 km: 10 + 1.3 × 35 = 55.5 → 56 min.
  it('follows the ETA settings, so a tighter SLA shrinks coverage', () => {
    expect(coveragePercent([{ lat: kmNorthOf(52, 35), lon: 0 }], now, { ...settings, slaMinutes: 60 }, points)).toBe(
      75,
    );
    expect(coveragePercent([{ lat: kmNorthOf(52, 35), lon: 0 }], now, { ...settings, slaMinutes: 50 }, points)).toBe(0);
  });

  it('never counts a technician beyond the dispatch search radius', () => {
    expect(coveragePercent([{ lat: kmNorthOf(52, 30), lon: 0 }], now, { ...settings, maxRadiusKm: 25 }, points)).toBe(
      0,
    );
  });

  it('covers London but little else with one central London technician', () => {
    const percent = coveragePercent([{ lat: 51.5074, lon: -0.1278 }], now, settings);
    const total = ukPopulationPoints.reduce((sum, p) => sum + p.population, 0);
    // Within 61 km: London, Luton (≈48 km) and Reading (≈58 km); Milton Keynes (≈72 km) and Brighton (≈76 km) are not.
    expect(percent).toBe(Math.round(((8900 + 260 + 320) / total) * 1000) / 10);
  });
});
