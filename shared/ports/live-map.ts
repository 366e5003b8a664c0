// What the operations live map reads: every technician's last fix and status, open requests as markers, names and the weather.
import type { GeoPoint, RequestStatus } from '#shared/domain/emergency.js';
import type { WeatherLevel } from '#shared/domain/priority.js';
import type { TechnicianPosition } from './technician-index.js';
import type { FleetNeedsSnapshot, RegionSummary } from './weather-level.js';

export interface FleetReader {
  /** Every real technician the location index knows (the test fleet is never listed): one paged scan of a fleet of hundreds. */
  listFleet(): Promise<TechnicianPosition[]>;
}

/** An open request as the map draws it: no customer details, so reading it needs no phone key. */
export interface OpenRequestMarker {
  id: string;
  reference: string;
  status: RequestStatus;
  priority: number;
  location: GeoPoint;
  createdAt: Date;
  slaDeadline: Date;
  slaAtRisk: boolean;
  eta?: Date;
  onSiteAt?: Date;
  technicianId?: string;
}

export interface LiveMapStore {
  /** Open requests (pending to on site) of real customers, the nearest deadlines first, at most `limit`. */
  findOpenRequestMarkers(limit: number): Promise<OpenRequestMarker[]>;
  /** Technicians' names from the directory, by id (ids without a profile are absent). */
  findTechnicianNames(ids: readonly string[]): Promise<Map<string, string>>;
}

/** The weather scaling state as operations see it. */
export interface WeatherStatus {
  level: WeatherLevel;
  /** When weather scaling last stored its decision; undefined before its first run. */
  updatedAt?: Date;
  /** Regions that were not normal at the last run, and why. */
  regions: RegionSummary[];
  /** The vans each region needs for the coming hours, as weather scaling last worked out; undefined before it has. */
  fleetNeeds?: FleetNeedsSnapshot;
}

export interface WeatherStatusReader {
  currentStatus(): Promise<WeatherStatus>;
}
