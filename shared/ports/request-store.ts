// The system of record for emergency requests (PostgreSQL in every stage).
import type { EmergencyRequest, NewEmergency, RequestStatus } from '#shared/domain/emergency.js';
import type { JobAction } from '#shared/domain/job-lifecycle.js';
import type { TechnicianProfile } from './technician-directory.js';

/** A freshly drawn booking reference is already taken; the caller draws another. */
export class ReferenceTaken extends Error {
  constructor(reference: string) {
    super(`booking reference ${reference} is taken`);
    this.name = 'ReferenceTaken';
  }
}

export type InsertOutcome =
  /** Stored as given, pending (the statement does not send the new row back: the caller has it). */
  | { kind: 'created'; request: EmergencyRequest }
  /** The same phone already has an open request inside the duplicate window. */
  | { kind: 'duplicate'; existing: Pick<EmergencyRequest, 'id' | 'reference' | 'status'> }
  /**
   * A retry of an intake already stored: the same Idempotency-Key and request within the replay window, or a row with
   * this id (see replayableId). `answer` is its first answer as sent (no tracking token), once there is one;
   * `answerDueBy` is when the attempt that stored it stops running.
   */
  | { kind: 'replayed'; request: EmergencyRequest; answer?: string; answerDueBy?: Date }
  /** The Idempotency-Key was used within the replay window with a different request; nothing about it is returned. */
  | { kind: 'key-reused' }
  /** The phone already stored `limitPerHour` requests in the hour before this one; a slot frees in `retryAfterSeconds`. */
  | { kind: 'rate-limited'; retryAfterSeconds: number };

/**
 * A request just assigned: who it went to (absent when the technician has no directory entry), for the SMS. The
 * caller already holds the request; the statement does not send its row back.
 */
export interface Assignment {
  requestId: string;
  technician?: TechnicianProfile;
}

export type TransitionOutcome =
  /** `repeated`: the step had already been taken (same status, stamp present); nothing was written. */
  | {
      kind: 'applied';
      repeated: boolean;
      request: EmergencyRequest;
      previous: { status: RequestStatus; technicianId?: string };
    }
  | { kind: 'not-allowed'; status: RequestStatus }
  /** The job exists but is not assigned to this technician. */
  | { kind: 'not-yours' }
  | { kind: 'not-found' };

/** What a step carries beyond its timestamp: the proof behind an arrival or a completion. */
export type StepEvidence =
  /** The van's fix was within the arrival radius. */
  | { kind: 'arrival'; distanceMeters: number }
  /** The technician entered the customer's arrival code. */
  | { kind: 'code' }
  /** Operations closed the job without the code; its arrival no longer counts as verified. */
  | { kind: 'override'; reason: string; by: string };

/** Who in operations did something to a request, when, and why: kept on the row, so the audit trail records it. */
export interface OperationsAction {
  reason: string;
  by: string;
  at: Date;
}

export type OperationsOutcome =
  | { kind: 'applied'; request: EmergencyRequest; previous: { status: RequestStatus; technicianId?: string } }
  /** A status the action cannot apply to (completed or cancelled), or the new technician is the current one. */
  | { kind: 'not-allowed'; status: RequestStatus; technicianId?: string }
  /** The chosen technician has no directory entry, or belongs to the other fleet (test vs real). */
  | { kind: 'not-eligible'; status: RequestStatus }
  | { kind: 'not-found' };

/** Where a reassignment goes straight to, when operations chose the technician (already claimed in the index). */
export interface ReassignTarget {
  technicianId: string;
  eta: Date;
}

export type RatingOutcome =
  | { kind: 'rated'; request: EmergencyRequest }
  | { kind: 'not-completed'; status: RequestStatus }
  | { kind: 'already-rated' }
  | { kind: 'not-found' };

/** Where an assignment's ETA came from, and both estimates where both were had (the heuristic's error figure). */
export interface EtaBasis {
  method: 'road' | 'heuristic';
  heuristicMinutes: number;
  /** Absent when no route was asked for, or it failed or came too late. */
  roadMinutes?: number;
}

export interface RequestStore {
  /**
   * Inserts unless a request with the same Idempotency-Key was stored at or after `replaySince` or a row with the
   * same id exists (a retry: 'replayed', or 'key-reused' for a key sent with a different request), the same phone
   * opened a request at or after `duplicateSince`, or the phone stored `limitPerHour` requests in the hour before
   * `request.createdAt`; atomic against concurrent calls from that phone or with that key.
   */
  insertUnlessDuplicate(
    request: NewEmergency,
    duplicateSince: Date,
    limitPerHour: number,
    replaySince: Date,
  ): Promise<InsertOutcome>;
  /** Keeps an intake's first answer (without its tracking token) for retries with its key; a second answer is ignored. */
  recordAnswer(requestId: string, answer: string): Promise<void>;
  /** Inserts a request accepted earlier (from the intake buffer); a row with the same id already stored is left as it is. */
  insertIfAbsent(request: NewEmergency): Promise<boolean>;
  findById(id: string): Promise<EmergencyRequest | undefined>;
  /** The request with this booking reference (references are unique). */
  findByReference(reference: string): Promise<EmergencyRequest | undefined>;
  /**
   * Applies a lifecycle action under a row lock (status in the action's from-set and, when technicianId is given,
   * owned by that technician), stamping the time `at` gives once the lock is held; the audit trigger records it.
   * Repeating a step already taken changes nothing and answers `repeated`. Evidence is written with the step.
   */
  transition(
    id: string,
    action: JobAction,
    at: Date | (() => Date),
    technicianId?: string,
    evidence?: StepEvidence,
  ): Promise<TransitionOutcome>;
  /** Stores the customer's rating of a completed job, once (a second rating is refused, not overwritten). */
  rate(id: string, rating: number, comment: string | undefined, at: Date): Promise<RatingOutcome>;
  /** Counts a wrong arrival code against the job; returns the failures so far. */
  recordArrivalCodeFailure(id: string): Promise<number>;
  /**
   * pending → assigned to this technician, only if still pending; answers with the technician's profile in the same
   * round trip. `keptAnswer`: an intake's answer for Idempotency-Key retries, kept in the same statement when the
   * assignment is made (as recordAnswer would: a first answer already kept stays).
   */
  assignIfPending(
    id: string,
    technicianId: string,
    at: Date,
    eta: Date,
    keptAnswer?: string,
    etaBasis?: EtaBasis,
  ): Promise<Assignment | undefined>;
  /** Notes a dispatch that found nobody; `newlyAtRisk` is true only when this attempt first flagged the SLA at risk. */
  recordDispatchAttempt(id: string, at: Date, slaAtRisk: boolean): Promise<{ newlyAtRisk: boolean }>;
  /**
   * recordDispatchAttempt for a whole redispatch run's leftovers in one statement (a storm's backlog is a hundred
   * requests a minute): the ids this attempt first flagged at risk. Requests no longer pending are left as they are.
   */
  recordDispatchAttempts(
    attempts: readonly { id: string; slaAtRisk: boolean }[],
    at: Date,
  ): Promise<{ newlyAtRisk: ReadonlySet<string> }>;
  /**
   * assigned → pending when this technician has still not accepted an offer made before `offeredBefore`; they join
   * declined_by so the job is not offered to them again. Undefined when they accepted (or anything changed) meanwhile.
   */
  reclaimUnaccepted(id: string, technicianId: string, offeredBefore: Date): Promise<EmergencyRequest | undefined>;
  /** Pending requests, most urgent first, where urgency ages (each priority step is worth 10 minutes of waiting). */
  findPending(limit: number): Promise<EmergencyRequest[]>;
  /** Assigned but not accepted since before `before`: the technician has not responded. */
  findUnacceptedSince(before: Date, limit: number): Promise<EmergencyRequest[]>;
  countPending(): Promise<number>;
  /** Pending requests of this fleet (test or real) whose geohash starts with `cell`, other than `exceptId`. */
  countPendingInCell(cell: string, isTest: boolean, exceptId: string): Promise<number>;
  /** Real requests not yet reached whose promise is in danger: flagged at risk, ETA past the deadline, or deadline passed. */
  findSlaAtRisk(now: Date, limit: number): Promise<EmergencyRequest[]>;
  /** Who each of these requests is with now (requests that do not exist are absent from the map). */
  findHolders(ids: readonly string[]): Promise<Map<string, { status: RequestStatus; technicianId?: string }>>;
  /** Cheap liveness probe. */
  ping(timeoutMs: number): Promise<void>;
}

/** Operations' actions on a request from the live view; each is one conditional statement. */
export interface OperationsRequestStore {
  /**
   * Operations cancel an open request (on site included), with the reason and who; one conditional statement, so of
   * two concurrent cancels exactly one applies. `previous` says whose job it was, to free and tell them.
   */
  cancelByOperations(id: string, action: OperationsAction): Promise<OperationsOutcome>;
  /**
   * Operations take an open request off its technician (who joins declined_by, so dispatch never offers it to them
   * again): back to pending, or to `target` when operations chose who (then only if they are in the request's fleet).
   * Every stamp of the old technician's progress is cleared: the next one proves their own arrival. One statement.
   */
  reassignByOperations(
    id: string,
    action: OperationsAction,
    target?: ReassignTarget,
  ): Promise<OperationsOutcome & { technician?: TechnicianProfile }>;
}
