// Dispatch as the features that start it see it (intake, the job steps, operations): give a stored request the nearest
// technician who can beat its SLA, or offer a job to a named technician. functions/dispatch implements it.
import type { EmergencyRequest } from '#shared/domain/emergency.js';
import type { SearchReport } from './technician-index.js';

export type Dispatchable = Pick<
  EmergencyRequest,
  | 'id'
  | 'reference'
  | 'phone'
  | 'location'
  | 'onMotorway'
  | 'slaDeadline'
  | 'declinedBy'
  | 'issue'
  | 'postcode'
  | 'isTest'
  | 'trackingTokenHash'
  | 'priority'
  | 'createdAt'
>;

/**
 * `awaiting-batch`: supply is short in the request's area (more pending requests than free technicians who can make
 * it), so the next batched window decides who gets whom rather than arrival order (functions/dispatch, "batched").
 */
export type PendingReason = 'no-technician-in-range' | 'none-within-sla' | 'all-claimed' | 'awaiting-batch';

/**
 * greedy: each request takes the nearest free technician who can make its deadline, in turn. batched: the same while
 * supply is spare; where it is short, a window's requests and technicians are matched at least total cost
 * (shared/domain/batch-assignment.ts), and requests past making their deadline are still served, most urgent first.
 */
export type DispatchPolicy = 'greedy' | 'batched';

export type DispatchOutcome =
  | {
      kind: 'assigned';
      technician: { id: string; firstName: string; van: string; distanceKm: number };
      etaMinutes: number;
      eta: Date;
      search: SearchReport;
      /** The intake's answer for Idempotency-Key retries was kept in the assignment's own statement (DispatchOptions.keepAnswer). */
      answerKept?: boolean;
    }
  | {
      kind: 'pending';
      reason: PendingReason;
      slaAtRisk: boolean;
      search: SearchReport;
      /** When help may come, where the search gave dispatch a basis for it; absent where it did not (no time is invented). */
      estimate?: PendingEstimate;
    };

/**
 * An honest estimate for a request left pending: the heuristic ETA of the nearest van the search found that can make
 * the deadline, plus the wait for the next dispatch window (redispatch's cadence), from the dispatch's own clock
 * reading. Only `awaiting-batch` and `all-claimed` have one; nothing more is read to make it.
 * - `nearest-free-van` (awaiting-batch): that van was free, but the window may give it to a more urgent request.
 * - `earliest-possible` (all-claimed): every such van was just taken by a concurrent request, and redispatch retries
 *   within the window: a lower bound, since the van that comes will be further (or freed later) than the one found.
 */
export interface PendingEstimate {
  basis: 'nearest-free-van' | 'earliest-possible';
  eta: Date;
  etaMinutes: number;
}

/** What the assignment will be, before it is made: what an intake's kept answer says (see DispatchOptions). */
export interface PlannedAssignment {
  technicianId: string;
  distanceKm: number;
  eta: Date;
  etaMinutes: number;
}

export interface DispatchOptions {
  /**
   * A new intake: under the batched policy, where supply is short it may be left for the window rather than take the
   * nearest van at once. A declined or reassigned job, and a synthetic request, are dispatched at once as before.
   */
  fromIntake?: boolean;
  /**
   * An intake with an Idempotency-Key: its planned-answer builder. Given the assignment about to be made, it returns
   * the text to keep for retries, which the assignment's own statement keeps (one round trip fewer than keeping it
   * afterwards); dispatch passes it on unread, intake alone decides what it says. Undefined: nothing to keep (any more).
   */
  keepAnswer?: (planned: PlannedAssignment) => string | undefined;
}

/**
 * Methods on the deps of a use case that dispatches, run over the deps they are called on: a composition root mixes
 * them in (functions/dispatch's withDispatcher), and deps a test or a root derives with `{ ...deps, technicians }` are
 * the ones dispatch then uses.
 */
export interface Dispatcher {
  /** Assigns the nearest technician who can beat the SLA, race-free, and tells everyone; or says why it is pending. */
  dispatchRequest(request: Dispatchable, options?: DispatchOptions): Promise<DispatchOutcome>;
  /** Tells the technician a job is theirs to accept: what, where, and `detail` (how far, or who gave it to them). */
  offerJob(request: Dispatchable, phone: string, detail: string): Promise<void>;
}
