// Arrival estimates against the 90-minute promise: pure arithmetic, tunable from config.
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

/** Can someone this far away arrive by the deadline? */
export function meetsSla(now: Date, minutes: number, slaDeadline: Date): boolean {
  return arrivalAt(now, minutes).getTime() <= slaDeadline.getTime();
}
