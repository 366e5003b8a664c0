// Dispatch priority 1 (most urgent) to 5 from how dangerous the customer's situation is.
import type { TyreIssue } from './emergency.js';

export type WeatherLevel = 'normal' | 'elevated' | 'severe';

export interface PriorityFactors {
  issue: TyreIssue;
  onMotorway: boolean;
  vulnerableOccupants: boolean;
  at: Date;
  weather: WeatherLevel;
}

/** Points of danger per issue: a blow-out leaves a car undriveable at speed; a seized locking nut rarely strands anyone dangerously. */
export const issueSeverity: Record<TyreIssue, number> = {
  blowout: 3,
  damaged_wheel: 2,
  flat: 2,
  puncture: 1,
  valve: 1,
  other: 1,
  locking_wheel_nut: 0,
};

const londonHour = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: 'numeric', hourCycle: 'h23' });

/** Night is 22:00–06:00 UK local time (GMT or BST), when help is scarcer and roadsides darker. */
export function isUkNight(at: Date): boolean {
  const hour = Number(londonHour.format(at));
  return hour >= 22 || hour < 6;
}

/**
 * Danger points: issue severity, +2 on a motorway or hard shoulder, +2 with vulnerable occupants,
 * +1 at night, +1 in severe weather. Priority = 5 − points, never better than 1.
 */
export function computePriority(f: PriorityFactors): number {
  const points =
    issueSeverity[f.issue] +
    (f.onMotorway ? 2 : 0) +
    (f.vulnerableOccupants ? 2 : 0) +
    (isUkNight(f.at) ? 1 : 0) +
    (f.weather === 'severe' ? 1 : 0);
  return Math.max(1, 5 - points);
}
