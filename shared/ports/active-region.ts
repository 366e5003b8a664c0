// Which region serves the service now: one replicated record, read by every function, flipped only by drFailover/drFailback.

export interface ActiveRegionRecord {
  region: string;
  /** When it was last flipped, and by whom (absent while no failover has ever written it: the home default applies). */
  since?: Date;
  by?: string;
}

export interface ActiveRegionStore {
  /** The record as stored now, or undefined when none was ever written. */
  read(): Promise<ActiveRegionRecord | undefined>;
  /** Names the active region; replicated to every region by the table. */
  write(record: Required<ActiveRegionRecord>): Promise<void>;
}

/** What a function asks: is the region I run in the one that serves? */
export interface RegionRole {
  /** This function's own region. */
  region: string;
  /** The active region, as lately read (cached for seconds). */
  activeRegion(): Promise<string>;
}

export async function isActive(role: RegionRole): Promise<boolean> {
  return (await role.activeRegion()) === role.region;
}
