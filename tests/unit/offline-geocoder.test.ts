import { describe, expect, it } from 'vitest';
import { isInServiceArea } from '#shared/domain/service-area.js';
import {
  OfflineGeocoder,
  outwardCodeCentroids,
  postcodeAreaCentroids,
} from '#shared/adapters/location/outward-codes.js';
import { kmBetween } from '../support/geo.js';

const geocoder = new OfflineGeocoder();

describe('OfflineGeocoder', () => {
  it.each([
    ['SW1A 1AA', 'Buckingham Palace', 51.501, -0.141, 3],
    ['M1 1AE', 'Manchester Piccadilly', 53.479, -2.236, 3],
    ['G1 1XQ', 'Glasgow city centre', 55.861, -4.25, 3],
    ['ZE1 0AA', 'Lerwick', 60.155, -1.145, 5],
    ['TR21 0HE', "St Mary's, Scilly", 49.915, -6.315, 5],
    ['LS1 4AP', 'Leeds', 53.797, -1.547, 3],
  ])('places %s near %s', async (postcode, _place, lat, lon, withinKm) => {
    const point = await geocoder.locatePostcode(postcode);
    expect(point).toBeDefined();
    expect(kmBetween(point!, { lat, lon })).toBeLessThan(withinKm);
  });

  it('falls back to the postcode area for a district it does not list', async () => {
    expect(outwardCodeCentroids.YO31).toBeUndefined();
    const point = await geocoder.locatePostcode('YO31 7EP');
    expect(kmBetween(point!, { lat: 53.96, lon: -1.082 })).toBeLessThan(15);
  });

  it('knows nothing of Jersey, outside the service area', async () => {
    expect(await geocoder.locatePostcode('JE2 3AB')).toBeUndefined();
  });

  it('places every centroid inside the service area', () => {
    for (const [code, point] of [...Object.entries(postcodeAreaCentroids), ...Object.entries(outwardCodeCentroids)]) {
      expect(isInServiceArea(point), code).toBe(true);
    }
  });

  // The widest real gap is the Isles of Scilly (TR21), 98 km from Truro; a swapped or mistyped coordinate lands far further off.
  it('puts every district within 110 km of its own area (catches swapped or mistyped coordinates)', () => {
    for (const [district, point] of Object.entries(outwardCodeCentroids)) {
      const area = district.match(/^[A-Z]+/)![0];
      const areaPoint = postcodeAreaCentroids[area];
      expect(areaPoint, `${district} has no area ${area}`).toBeDefined();
      expect(kmBetween(point, areaPoint!), district).toBeLessThan(110);
    }
  });
});
