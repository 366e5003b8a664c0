// Whether a point is somewhere we can send a van: Great Britain, Northern Ireland, the Isle of Man and Ireland.
import type { GeoPoint } from './emergency.js';

// The British Isles' envelope: Scilly (49.86°N) to Out Stack, Shetland (60.86°N); Dunmore Head, Kerry (−10.48°E) to Lowestoft (1.76°E).
const envelope = { south: 49.85, north: 60.9, west: -10.7, east: 1.8 };

// The only land inside the envelope that is not ours is France's Channel coast: Calais–Boulogne–Berck
// (east of 1.45°E, south of Folkestone's 51.08°N) and the Somme–Dieppe coast (south of 50.3°N, east of 0.2°E).
// England's south coast never reaches either box: Beachy Head is 50.73°N, Dungeness 0.98°E.
const frenchCoast = [
  { south: 50.3, north: 51.08, west: 1.45, east: 1.8 },
  { south: 49.85, north: 50.3, west: 0.2, east: 1.8 },
];

export function isInServiceArea({ lat, lon }: GeoPoint): boolean {
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) return false;
  const inEnvelope = lat >= envelope.south && lat <= envelope.north && lon >= envelope.west && lon <= envelope.east;
  const inFrance = frenchCoast.some((b) => lat >= b.south && lat <= b.north && lon >= b.west && lon <= b.east);
  return inEnvelope && !inFrance;
}
