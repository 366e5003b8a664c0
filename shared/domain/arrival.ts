// Proof of arrival: is the van where it says it is, and does the technician hold the customer's code?
import { timingSafeEqual } from 'node:crypto';
import type { GeoPoint } from './emergency.js';
import { haversineKm } from './geo.js';

export type ArrivalCheck =
  | { kind: 'verified'; distanceMeters: number }
  | { kind: 'too-far'; distanceMeters: number }
  | { kind: 'no-fresh-position'; lastFixAt?: Date };

export interface ArrivalRules {
  radiusMeters: number;
  /** Fixes older than this say nothing about where the van is now. */
  freshSince: Date;
}

/** Whether the van's latest fix puts it at the breakdown. */
export function checkArrival(
  breakdown: GeoPoint,
  fix: { location?: GeoPoint; recordedAt?: Date } | undefined,
  rules: ArrivalRules,
): ArrivalCheck {
  if (!fix?.location || !fix.recordedAt || fix.recordedAt < rules.freshSince)
    return { kind: 'no-fresh-position', lastFixAt: fix?.recordedAt };
  const distanceMeters = Math.round(haversineKm(fix.location, breakdown) * 1000);
  return distanceMeters <= rules.radiusMeters
    ? { kind: 'verified', distanceMeters }
    : { kind: 'too-far', distanceMeters };
}

/** "640 m" or "13.6 km": as a person reads it. */
export function describeDistance(meters: number): string {
  return meters < 1000 ? `${meters} m` : `${(meters / 1000).toFixed(1)} km`;
}

/** Constant-time, so timing does not reveal how many leading digits of a guess were right. */
export function arrivalCodeMatches(presented: string, stored: string): boolean {
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(stored, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
