import { describe, expect, it } from 'vitest';
import { demoTechnicians } from '#shared/adapters/location/demo-technicians.js';
import { isInServiceArea } from '#shared/domain/service-area.js';
import { kmBetween } from '../support/geo.js';

describe('demo technicians', () => {
  it('have unique ids and unique drama-range phones that can never text a real person', () => {
    expect(new Set(demoTechnicians.map((t) => t.id)).size).toBe(demoTechnicians.length);
    expect(new Set(demoTechnicians.map((t) => t.phone)).size).toBe(demoTechnicians.length);
    for (const t of demoTechnicians) expect(t.phone).toMatch(/^\+447700900\d{3}$/);
  });

  it('all live inside the service area', () => {
    for (const t of demoTechnicians) expect(isInServiceArea(t.home), t.id).toBe(true);
  });

  it.each([
    ['London', 51.507, -0.128, 8, 25],
    ['Birmingham', 52.48, -1.903, 3, 15],
    ['Manchester', 53.481, -2.243, 3, 20],
    ['Leeds', 53.8, -1.549, 3, 10],
    ['Glasgow', 55.861, -4.25, 3, 10],
    ['Bristol', 51.454, -2.588, 3, 15],
  ])('cover %s', (_city, lat, lon, atLeast, radiusKm) => {
    expect(demoTechnicians.filter((t) => kmBetween(t.home, { lat, lon }) < radiusKm).length).toBeGreaterThanOrEqual(
      atLeast,
    );
  });

  it('cover the M1, M6 and M25 corridors', () => {
    for (const motorway of ['M1', 'M6', 'M25'])
      expect(
        demoTechnicians.filter((t) => t.homeBase.startsWith(`${motorway} `)).length,
        motorway,
      ).toBeGreaterThanOrEqual(4);
  });

  it('include names with accents, stored as written', () => {
    expect(demoTechnicians.some((t) => [...t.name].some((c) => c.charCodeAt(0) > 127))).toBe(true);
  });
});
