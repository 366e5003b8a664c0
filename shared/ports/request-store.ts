// The system of record for emergency requests (PostgreSQL in every stage).
import type { EmergencyRequest, NewEmergency, RequestStatus } from '../domain/emergency.js';

/** A freshly drawn booking reference is already taken; the caller draws another. */
export class ReferenceTaken extends Error {
  constructor(reference: string) {
    super(`booking reference ${reference} is taken`);
    this.name = 'ReferenceTaken';
  }
}

export type InsertOutcome =
  | { kind: 'created'; request: EmergencyRequest }
  /** The same phone already has an open request inside the duplicate window. */
  | { kind: 'duplicate'; existing: Pick<EmergencyRequest, 'id' | 'reference' | 'status'> };

export type CancelOutcome =
  | { kind: 'cancelled'; request: EmergencyRequest }
  | { kind: 'not-cancellable'; status: RequestStatus }
  | { kind: 'not-found' };

export interface RequestStore {
  /** Inserts unless the same phone opened a request at or after `duplicateSince`; atomic against concurrent calls from that phone. */
  insertUnlessDuplicate(request: NewEmergency, duplicateSince: Date): Promise<InsertOutcome>;
  /** Inserts a request accepted earlier (from the intake buffer); a row with the same id already stored is left as it is. */
  insertIfAbsent(request: NewEmergency): Promise<boolean>;
  findById(id: string): Promise<EmergencyRequest | undefined>;
  /** Cancels only from a cancellable status, in one guarded statement. */
  cancel(id: string, at: Date): Promise<CancelOutcome>;
  countPending(): Promise<number>;
  /** Cheap liveness probe. */
  ping(timeoutMs: number): Promise<void>;
}
