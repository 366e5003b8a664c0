import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isInServiceArea } from '#shared/domain/service-area.js';

describe('isInServiceArea', () => {
  it.each([
    ['Westminster', 51.501, -0.141],
    ['Lerwick, Shetland', 60.155, -1.145],
    ["St Mary's, Isles of Scilly", 49.914, -6.311],
    ['Belfast', 54.597, -5.93],
    ['Dublin', 53.35, -6.26],
    ['Dingle, Kerry', 52.14, -10.27],
    ['Douglas, Isle of Man', 54.15, -4.48],
    ['Lowestoft, most easterly GB town', 52.48, 1.75],
    ['Dover', 51.127, 1.313],
    ['Greenwich, on the prime meridian', 51.477, 0.0],
    ['Hastings', 50.855, 0.573],
  ])('accepts %s', (_name, lat, lon) => {
    expect(isInServiceArea({ lat, lon })).toBe(true);
  });

  it.each([
    ['Paris', 48.857, 2.352],
    ['Boulogne-sur-Mer', 50.726, 1.614],
    ['Calais', 50.951, 1.858],
    ['Dieppe', 49.922, 1.078],
    ['Jersey (a Crown dependency with its own services)', 49.214, -2.131],
    ['Amsterdam', 52.37, 4.9],
    ['Tórshavn, Faroe Islands', 62.01, -6.77],
    ['Null Island', 0, 0],
    ['lat and lon swapped for London', -0.1276, 51.5072],
  ])('rejects %s', (_name, lat, lon) => {
    expect(isInServiceArea({ lat, lon })).toBe(false);
  });

  it('rejects NaN and infinities', () => {
    expect(isInServiceArea({ lat: Number.NaN, lon: 0 })).toBe(false);
    expect(isInServiceArea({ lat: 51, lon: Number.POSITIVE_INFINITY })).toBe(false);
  });

  it('never accepts a point outside the British Isles envelope', () => {
    const outside = fc.oneof(
      fc.record({
        lat: fc.double({ min: -90, max: 49.84, noNaN: true }),
        lon: fc.double({ min: -180, max: 180, noNaN: true }),
      }),
      fc.record({
        lat: fc.double({ min: 60.91, max: 90, noNaN: true }),
        lon: fc.double({ min: -180, max: 180, noNaN: true }),
      }),
      fc.record({
        lat: fc.double({ min: -90, max: 90, noNaN: true }),
        lon: fc.double({ min: 1.81, max: 180, noNaN: true }),
      }),
    );
    fc.assert(fc.property(outside, (p) => !isInServiceArea(p)));
  });
});
