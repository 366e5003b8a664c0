// Where surge mode is kept: one record, replicated with the scaling state (the DR region sees it).
import type { Surge } from '#shared/domain/surge.js';

export interface SurgeStore {
  /** The latest surge, ended or not; undefined when none was ever started. */
  latest(): Promise<Surge | undefined>;
  /** Starts (or replaces) the surge. */
  save(surge: Surge): Promise<void>;
  /** Marks the surge that started at `startedAt` ended, once: false when it was already marked or replaced. */
  markEnded(startedAt: string, ended: NonNullable<Surge['ended']>): Promise<boolean>;
}
