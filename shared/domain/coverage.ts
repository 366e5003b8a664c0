// CoveragePercent: how much of the UK's population an available technician could reach inside the SLA right now.
import type { GeoPoint } from './emergency.js';
import { arrivalAt, etaFor, meetsSla, type EtaSettings } from './eta.js';
import { haversineKm } from './geo.js';

export interface PopulationPoint {
  name: string;
  location: GeoPoint;
  /** Thousands of residents the point stands for: its weight in the percentage. */
  population: number;
}

/**
 * A fixed, population-weighted sample of the UK: the largest built-up areas of each nation (ONS 2021, NRS and NISRA
 * figures, rounded) plus rural regional centres, so a fleet that serves only the cities cannot score 100%.
 * Fixed on purpose: the figure is comparable from minute to minute and year to year; change it only with a note.
 */
export const ukPopulationPoints: readonly PopulationPoint[] = [
  ['London', 51.5074, -0.1278, 8900],
  ['Birmingham', 52.4862, -1.8904, 2600],
  ['Manchester', 53.4808, -2.2426, 2550],
  ['Leeds and Bradford', 53.7997, -1.5492, 1780],
  ['Glasgow', 55.8642, -4.2518, 1030],
  ['Liverpool', 53.4084, -2.9916, 860],
  ['Newcastle upon Tyne', 54.9783, -1.6178, 775],
  ['Nottingham', 52.9548, -1.1581, 730],
  ['Sheffield', 53.3811, -1.4701, 685],
  ['Bristol', 51.4545, -2.5879, 620],
  ['Belfast', 54.5973, -5.9301, 600],
  ['Edinburgh', 55.9533, -3.1883, 530],
  ['Leicester', 52.6369, -1.1398, 510],
  ['Southampton', 50.9097, -1.4044, 500],
  ['Cardiff', 51.4816, -3.1791, 480],
  ['Portsmouth', 50.8198, -1.088, 440],
  ['Brighton', 50.8225, -0.1372, 470],
  ['Coventry', 52.4068, -1.5197, 360],
  ['Stoke-on-Trent', 53.0027, -2.1794, 370],
  ['Reading', 51.4543, -0.9781, 320],
  ['Hull', 53.7457, -0.3367, 310],
  ['Milton Keynes', 52.0406, -0.7594, 260],
  ['Luton', 51.8787, -0.42, 260],
  ['Swansea', 51.6214, -3.9436, 300],
  ['Plymouth', 50.3755, -4.1427, 260],
  ['Cambridge', 52.2053, 0.1218, 150],
  ['Norwich', 52.6309, 1.2974, 210],
  ['Exeter', 50.7184, -3.5339, 130],
  ['Aberdeen', 57.1497, -2.0943, 220],
  ['Dundee', 56.462, -2.9707, 150],
  ['York', 53.959, -1.0815, 150],
  ['Lincoln', 53.2307, -0.5406, 120],
  ['Carlisle', 54.8925, -2.9329, 75],
  ['Derry/Londonderry', 54.9966, -7.3086, 85],
  ['Inverness', 57.4778, -4.2247, 50],
  ['Aberystwyth', 52.4153, -4.0829, 20],
  ['Truro', 50.2632, -5.051, 20],
  ['Fort William', 56.8198, -5.1052, 10],
].map(([name, lat, lon, population]) => ({
  name: name as string,
  location: { lat: lat as number, lon: lon as number },
  population: population as number,
}));

export interface CoverageSettings {
  eta: EtaSettings;
  slaMinutes: number;
  /** Dispatch never searches further than this, so coverage must not count anyone beyond it either. */
  maxRadiusKm: number;
}

/** Could any of these technicians reach the point within the SLA? The same ETA dispatch uses: never a second formula. */
function isCovered(point: GeoPoint, technicians: readonly GeoPoint[], now: Date, s: CoverageSettings): boolean {
  const deadline = arrivalAt(now, s.slaMinutes);
  return technicians.some((t) => {
    const distanceKm = haversineKm(point, t);
    if (distanceKm > s.maxRadiusKm) return false;
    return meetsSla(now, etaFor(distanceKm, false, s.eta), deadline);
  });
}

/** Population-weighted share of points covered, 0–100 to one decimal place; 0 with no technicians. */
export function coveragePercent(
  technicians: readonly GeoPoint[],
  now: Date,
  s: CoverageSettings,
  points: readonly PopulationPoint[] = ukPopulationPoints,
): number {
  const total = points.reduce((sum, p) => sum + p.population, 0);
  if (total === 0) return 0;
  const covered = points
    .filter((p) => isCovered(p.location, technicians, now, s))
    .reduce((sum, p) => sum + p.population, 0);
  return Math.round((covered / total) * 1000) / 10;
}
