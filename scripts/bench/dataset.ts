// Deterministic benchmark data: technicians and breakdowns spread over Great Britain, denser in cities; distinct customer phones.
import type { GeoPoint } from '#shared/domain/emergency.js';
import { isInServiceArea } from '#shared/domain/service-area.js';
import { postcodeAreaCentroids } from '#shared/adapters/location/outward-codes.js';

/** mulberry32: a tiny seeded PRNG, so every run benchmarks exactly the same points. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Great Britain: every UK postcode area at its main town except Northern Ireland's BT. */
export const greatBritainTowns: readonly GeoPoint[] = Object.entries(postcodeAreaCentroids)
  .filter(([area]) => area !== 'BT')
  .map(([, point]) => point);

/**
 * How people (and so breakdowns and the vans that serve them) are spread: each postcode area holds a similar number of
 * people, so picking an area uniformly already makes London (about 20 areas) and other conurbations dense. Most points
 * sit in the town (σ 5 km); the rest spread over its hinterland and roads (σ 25 km).
 */
export const spread = { urbanShare: 0.7, urbanSigmaKm: 5, ruralSigmaKm: 25 } as const;

const kmPerDegreeLat = 111.2;

export function britishPoints(count: number, seed: number): GeoPoint[] {
  const random = seededRandom(seed);
  const gaussian = () => {
    // Box–Muller; 1 − u keeps log away from 0.
    const u = 1 - random();
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const points: GeoPoint[] = [];
  while (points.length < count) {
    const town = greatBritainTowns[Math.floor(random() * greatBritainTowns.length)]!;
    const sigmaKm = random() < spread.urbanShare ? spread.urbanSigmaKm : spread.ruralSigmaKm;
    const lat = town.lat + (gaussian() * sigmaKm) / kmPerDegreeLat;
    const lon = town.lon + (gaussian() * sigmaKm) / (kmPerDegreeLat * Math.cos((town.lat * Math.PI) / 180));
    const point = { lat: Math.round(lat * 1e6) / 1e6, lon: Math.round(lon * 1e6) / 1e6 };
    // Intake refuses points outside the service area (e.g. a sample that drifted across the Channel): resample.
    if (isInServiceArea(point)) points.push(point);
  }
  return points;
}

/**
 * The i-th distinct UK mobile number in E.164, so no benchmark request trips the same-phone 409: first Ofcom's drama
 * range (+44 7700 900000–900999), then the valid +44 74xx xxxxxx mobile range. Nothing is ever sent to them locally.
 */
export function customerPhone(i: number): string {
  if (!Number.isInteger(i) || i < 0) throw new Error(`phone index must be a non-negative integer, got ${i}`);
  if (i < 1000) return `+447700900${String(i).padStart(3, '0')}`;
  const n = i - 1000;
  if (n >= 1e8) throw new Error('out of distinct benchmark phone numbers');
  return `+4474${String(n).padStart(8, '0')}`;
}
