// How long a van takes by road from where it is to a breakdown: a route engine in AWS, the ETA heuristic locally.
import type { GeoPoint } from '#shared/domain/emergency.js';

export interface RoadDrive {
  /** Driving time on the route, in seconds (no mobilisation). */
  seconds: number;
  /** Road distance, km. */
  distanceKm: number;
}

export interface RoadEta {
  /** Rejects when the route cannot be had, or once `signal` aborts; the caller then falls back to the heuristic. */
  drive(from: GeoPoint, to: GeoPoint, signal: AbortSignal): Promise<RoadDrive>;
}
