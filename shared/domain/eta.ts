// Arrival estimates against the 90-minute promise: pure arithmetic, tunable from config.
import type { GeoPoint } from './emergency.js';
import { haversineKm } from './geo.js';

export type SpeedBand = 'urban' | 'rural' | 'motorway';

export interface EtaSettings {
  /** Minutes from accepting a job to driving off. */
  mobilisationMinutes: number;
  /** Road distance ÷ straight-line distance; 1.3 is the usual UK detour index. */
  roadFactor: number;
  speedsKmh: Record<SpeedBand, number>;
  /** Within this straight-line distance a job is treated as an urban drive. */
  urbanRadiusKm: number;
}

export const defaultEtaSettings: EtaSettings = {
  mobilisationMinutes: 10,
  roadFactor: 1.3,
  speedsKmh: { urban: 30, rural: 60, motorway: 90 },
  urbanRadiusKm: 10,
};

export function speedBandFor(distanceKm: number, onMotorway: boolean, settings: EtaSettings): SpeedBand {
  if (onMotorway) return 'motorway';
  return distanceKm <= settings.urbanRadiusKm ? 'urban' : 'rural';
}

/** Whole minutes, rounded up: a promise should not be early by a fraction. */
export function etaMinutes(distanceKm: number, band: SpeedBand, settings: EtaSettings): number {
  const roadKm = distanceKm * settings.roadFactor;
  return Math.ceil(settings.mobilisationMinutes + (roadKm / settings.speedsKmh[band]) * 60);
}

/** The ETA for a drive of this straight-line distance, in the speed band it falls in: the one formula everyone uses. */
export function etaFor(distanceKm: number, onMotorway: boolean, settings: EtaSettings): number {
  return etaMinutes(distanceKm, speedBandFor(distanceKm, onMotorway, settings), settings);
}

export function arrivalAt(from: Date, minutes: number): Date {
  return new Date(from.getTime() + minutes * 60_000);
}

/**
 * The ETA from a technician's live position to the customer, from `now`: the straight-line distance and the minutes to
 * drive it. `enRoute`: they are already driving, so there is no mobilisation time left to add.
 */
export function etaFromPosition(
  position: GeoPoint,
  destination: { location: GeoPoint; onMotorway: boolean },
  now: Date,
  settings: EtaSettings,
  { enRoute = false }: { enRoute?: boolean } = {},
): { distanceKm: number; etaMinutes: number; eta: Date } {
  const distanceKm = haversineKm(position, destination.location);
  const minutes = etaFor(
    distanceKm,
    destination.onMotorway,
    enRoute ? { ...settings, mobilisationMinutes: 0 } : settings,
  );
  return { distanceKm, etaMinutes: minutes, eta: arrivalAt(now, minutes) };
}

/** Whole minutes until an arrival already promised, rounded up as the promise was; 0 once it is due. */
export function minutesUntil(eta: Date, now: Date): number {
  return Math.max(0, Math.ceil((eta.getTime() - now.getTime()) / 60_000));
}

/** Can someone this far away arrive by the deadline? */
export function meetsSla(now: Date, minutes: number, slaDeadline: Date): boolean {
  return arrivalAt(now, minutes).getTime() <= slaDeadline.getTime();
}

/**
 * The furthest straight-line distance from which a technician can still arrive within `minutesLeft`: the search never
 * needs to look further, because dispatch only assigns someone who beats the deadline. The speed band depends on the
 * distance, so each band's reach counts only inside the distances the band applies to.
 */
export function slaReachKm(minutesLeft: number, onMotorway: boolean, settings: EtaSettings): number {
  // etaMinutes rounds up to whole minutes, so only whole minutes left can be spent.
  const driving = Math.floor(minutesLeft) - settings.mobilisationMinutes;
  if (driving < 0) return 0;
  const reach = (band: SpeedBand) => (driving / 60) * (settings.speedsKmh[band] / settings.roadFactor);
  // A hair of slack, so floating-point rounding can only widen the search, never drop someone who can make it.
  const slackKm = 1e-6;
  if (onMotorway) return reach('motorway') + slackKm;
  const urban = Math.min(reach('urban'), settings.urbanRadiusKm);
  const rural = reach('rural');
  return (rural > settings.urbanRadiusKm ? Math.max(urban, rural) : urban) + slackKm;
}

/** The ETA from a road route's driving time: mobilisation, then the drive, rounded up as the heuristic's is. */
export function roadEtaMinutes(driveSeconds: number, settings: EtaSettings): number {
  return Math.ceil(settings.mobilisationMinutes + driveSeconds / 60);
}
