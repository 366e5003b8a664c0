import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrivalCodeMatches, checkArrival, describeDistance } from '#shared/domain/arrival.js';

const breakdown = { lat: 51.88, lon: -0.42 };
const now = new Date('2026-01-14T14:00:00Z');
const rules = { radiusMeters: 250, freshSince: new Date(now.getTime() - 10 * 60_000) };

describe('checkArrival', () => {
  it.each([
    ['at the pin', { lat: 51.88, lon: -0.42 }, 'verified', 0],
    ['about 220 m north', { lat: 51.882, lon: -0.42 }, 'verified', 222],
    ['about 330 m north', { lat: 51.883, lon: -0.42 }, 'too-far', 334],
    // The incident in the issue: marked on site 13.6 km away.
    ['13.6 km away', { lat: 52.0, lon: -0.42 }, 'too-far', 13_343],
  ])('a fresh fix %s is %s', (_, location, kind, distanceMeters) => {
    const check = checkArrival(breakdown, { location, recordedAt: now }, rules);
    expect(check.kind).toBe(kind);
    expect((check as { distanceMeters: number }).distanceMeters).toBeCloseTo(distanceMeters, -1);
  });

  it('refuses a fix older than the freshness cut-off even at the pin', () => {
    const stale = new Date(rules.freshSince.getTime() - 1);
    expect(checkArrival(breakdown, { location: breakdown, recordedAt: stale }, rules)).toEqual({
      kind: 'no-fresh-position',
      lastFixAt: stale,
    });
  });

  it('refuses when the van never sent a position', () => {
    expect(checkArrival(breakdown, undefined, rules)).toEqual({ kind: 'no-fresh-position', lastFixAt: undefined });
    expect(checkArrival(breakdown, { recordedAt: now }, rules).kind).toBe('no-fresh-position');
  });

  it('verifies exactly the fixes within the radius (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -0.01, max: 0.01, noNaN: true }),
        fc.double({ min: -0.01, max: 0.01, noNaN: true }),
        (dLat, dLon) => {
          const check = checkArrival(
            breakdown,
            { location: { lat: breakdown.lat + dLat, lon: breakdown.lon + dLon }, recordedAt: now },
            rules,
          );
          expect(check.kind === 'verified').toBe((check as { distanceMeters: number }).distanceMeters <= 250);
        },
      ),
    );
  });
});

describe('describeDistance', () => {
  it.each([
    [0, '0 m'],
    [640, '640 m'],
    [999, '999 m'],
    [1000, '1.0 km'],
    [13_620, '13.6 km'],
  ])('%d m reads "%s"', (m, text) => {
    expect(describeDistance(m)).toBe(text);
  });
});

describe('arrivalCodeMatches', () => {
  it('matches only the same four digits', () => {
    expect(arrivalCodeMatches('0427', '0427')).toBe(true);
    expect(arrivalCodeMatches('0428', '0427')).toBe(false);
    expect(arrivalCodeMatches('427', '0427')).toBe(false);
    expect(arrivalCodeMatches('04270', '0427')).toBe(false);
  });
});
