// The live technician index: where each technician is, whether they can take a job, and the atomic claim on them.
import type { Log } from './logger.js';
import type { GeoPoint } from '#shared/domain/emergency.js';
import type { Ranked } from '#shared/domain/geo.js';
import type { Fleet } from '#shared/domain/test-fleet.js';

export type Availability = 'available' | 'busy' | 'on_break' | 'offline';
export type SelfReportedStatus = Exclude<Availability, 'busy'>;

export interface LocationFix {
  location: GeoPoint;
  recordedAt: Date;
  accuracyMeters?: number;
  heading?: number;
}

export interface TechnicianPosition {
  technicianId: string;
  location?: GeoPoint;
  recordedAt?: Date;
  status: Availability;
  currentJob?: string;
}

export interface SearchReport {
  /** DynamoDB Query calls, pages included. */
  queries: number;
  /** Items DynamoDB read to answer them (sum of ScannedCount). */
  itemsRead: number;
  /** Search levels read: 1 when the nearest cells answered, up to 3 when it read every partition in reach. */
  levels: number;
}

export interface NearestQuery {
  k: number;
  maxRadiusKm: number;
  /** Positions older than this are not dispatchable. */
  freshSince: Date;
  exclude?: ReadonlySet<string>;
  /** Which fleet to search: 'real' (the default) never returns a test technician, 'test' returns only test technicians. */
  fleet?: Fleet;
}

export interface TechnicianIndex {
  /** Ignored ('stale') when an equal or newer fix is already recorded. */
  recordLocation(technicianId: string, fix: LocationFix): Promise<'updated' | 'stale'>;
  setAvailability(technicianId: string, status: SelfReportedStatus): Promise<'updated' | 'has-job' | 'no-location'>;
  nearestDispatchable(point: GeoPoint, query: NearestQuery): Promise<{ found: Ranked[]; report: SearchReport }>;
  /** Atomically: available, no job and fresh → busy with this job. False if someone else got there first. */
  claim(technicianId: string, requestId: string, at: Date, freshSince: Date): Promise<boolean>;
  /**
   * Frees the technician if (and only if) they hold this job: back to available, or offline when they let an offer
   * lapse (a van app that does not answer should not be offered the next job too).
   */
  release(technicianId: string, requestId: string, then?: 'available' | 'offline'): Promise<boolean>;
  /**
   * Takes technicians whose last fix is older than `freshSince` out of the dispatchable index (they stay available and
   * return with their next fix), so the index holds only dispatchable technicians. Returns who was taken out.
   */
  dropSilent(freshSince: Date): Promise<string[]>;
  /** Every technician currently holding a job, with when they were claimed for it. */
  listHolding(): Promise<HeldJob[]>;
  position(technicianId: string): Promise<TechnicianPosition | undefined>;
  /** Every dispatchable real technician (available, no job, fixed since `freshSince`): what operations and coverage count. */
  listDispatchable(freshSince: Date): Promise<DispatchableTechnician[]>;
}

export interface HeldJob {
  technicianId: string;
  requestId: string;
  claimedAt: Date;
}

export interface DispatchableTechnician {
  technicianId: string;
  location: GeoPoint;
  recordedAt: Date;
}

/** Best effort: a technician who could not be freed is logged; the step that frees them never fails on it. */
export async function releaseTechnician(
  deps: { technicians: TechnicianIndex; log: Log },
  technicianId: string,
  requestId: string,
): Promise<void> {
  try {
    await deps.technicians.release(technicianId, requestId);
  } catch (error) {
    deps.log.error('could not release technician', { technicianId, requestId, error: error });
  }
}
