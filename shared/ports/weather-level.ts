// The weather alert level that weather scaling maintains, and the scaling state it keeps beside it.
import type { WeatherLevel } from '#shared/domain/priority.js';
import type { ScaleState } from '#shared/domain/weather-scaling.js';
import type { RegionFleetNeed } from '#shared/domain/fleet-needs.js';

export interface WeatherLevelReader {
  /** 'normal' when no state has been recorded yet. */
  currentLevel(): Promise<WeatherLevel>;
}

/** A region that was not normal at the last run, and why. */
export interface RegionSummary {
  region: string;
  level: WeatherLevel;
  conditions: string[];
}

export interface StoredScaleState extends ScaleState {
  /** Bumped by every write; writes are conditional on it, so a decision is only stored over the state it was made from. */
  version: number;
  /** When capacity was last changed on any target. */
  lastChangeAt?: Date;
  reasons: RegionSummary[];
  /** The level each target was last successfully set to; a target missing or behind is converged by the next run. */
  applied: Record<string, WeatherLevel>;
}

export interface ScaleStateStore {
  load(now: Date): Promise<StoredScaleState>;
  /**
   * Stores the next state and takes the run lease, only if the state is still at `expectedVersion` and no other run
   * holds an unexpired lease. Returns the new version, or undefined when another run got there first.
   */
  claim(
    expectedVersion: number,
    next: Omit<StoredScaleState, 'version'>,
    lease: { runId: string; until: Date },
    now: Date,
  ): Promise<number | undefined>;
  /** Records what the run applied and releases its lease; false when the lease was lost (the run overran it). */
  complete(
    lease: { runId: string; version: number },
    applied: Record<string, WeatherLevel>,
    lastChangeAt: Date | undefined,
  ): Promise<boolean>;
}

/** What weather scaling last worked out each region needs in vans (shared/domain/fleet-needs.ts), for the live view. */
export interface FleetNeedsSnapshot {
  at: Date;
  regions: RegionFleetNeed[];
}

export interface FleetNeedsStore {
  save(snapshot: FleetNeedsSnapshot): Promise<void>;
  /**
   * True only for the first caller about this region's shortfall from this hour: one operations alert per region and
   * window, however many runs see it (every 15 minutes) and however the count of vans moves between them.
   */
  firstAlertFor(region: string, from: Date): Promise<boolean>;
}
