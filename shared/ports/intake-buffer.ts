// Where an emergency is kept when the system of record cannot take it, until it can.
import type { NewEmergency } from '#shared/domain/emergency.js';

export interface IntakeBuffer {
  /**
   * Holds the request unless one with its id is held already (a retry with the same Idempotency-Key while the
   * database is still down): answers what is held under that id, the earlier one in that case.
   */
  hold(request: NewEmergency): Promise<NewEmergency>;
  find(id: string): Promise<NewEmergency | undefined>;
  /** Oldest first is not guaranteed; callers must not rely on order. */
  list(limit: number): Promise<NewEmergency[]>;
  release(id: string): Promise<void>;
  ping(timeoutMs: number): Promise<void>;
  /** Resolves when a write to the buffer would be accepted, without writing anything; rejects otherwise. */
  probeWritable(timeoutMs: number): Promise<void>;
}

/**
 * A copy of every stored intake, kept in the (replicated) intake buffer table until the database's replica has surely
 * received it: the global database replicates asynchronously, so a 201 answered a moment before the region dies may
 * never reach the other region's database. After a failover the new region puts back whatever the journal has and the
 * database lacks (functions/intake/settle-journal.ts).
 */
export interface IntakeJournal {
  keep(request: NewEmergency, until: Date): Promise<void>;
  /** Every kept copy (a whole scan: the journal holds a couple of minutes of intakes). */
  kept(): Promise<Array<{ request: NewEmergency; keptUntil: Date }>>;
  forget(id: string): Promise<void>;
}

/** What a drain of the buffer into the system of record did (functions/intake). */
export interface DrainReport {
  replayed: number;
  alreadyStored: number;
  /** True when the database was still down and the buffer was left for the next run. */
  databaseUnavailable: boolean;
  /** Emergencies still held when the run stopped (at least this many: one batch is read at a time). */
  leftInBuffer: number;
}
