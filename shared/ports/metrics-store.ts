// The business figures operations watch, as the system of record answers them (real customers only, never is_test).
import type { RequestStatus } from '#shared/domain/emergency.js';

export type OpenStatus = Extract<RequestStatus, 'pending' | 'assigned' | 'en_route' | 'on_site'>;

export interface PendingQueue {
  /** Creation time of the longest-waiting pending request; undefined when nothing is pending. */
  oldestCreatedAt?: Date;
  /** Pending requests with priority at or below (more urgent than or equal to) the given number. */
  highPriority: number;
}

/** Arrivals and missed deadlines in a time window: what the SLA figures are made of. */
export interface ResponseWindow {
  /** Requests whose technician's arrival was verified (position at the breakdown, not closed by override) in the window. */
  arrived: number;
  /** Mean minutes from creation to arrival over those; undefined when none arrived. */
  averageResponseMinutes?: number;
  /** Of those, arrived by their SLA deadline. */
  arrivedWithinSla: number;
  /** Requests whose deadline passed in the window with no verified arrival (still open, reached without proof, or cancelled after the deadline). */
  missedUnarrived: number;
}

/** Customer ratings given in a window. */
export interface Satisfaction {
  ratings: number;
  /** Mean score (1–5); undefined with no ratings. */
  average?: number;
}

/** Assignments that had both a road route and the heuristic's estimate, in a window: the heuristic's error. */
export interface EtaAgreement {
  compared: number;
  /** Mean of |heuristic − road| minutes; undefined with none compared. */
  meanAbsoluteErrorMinutes?: number;
  /** Mean of heuristic − road minutes: positive, the heuristic promises later than the road. */
  biasMinutes?: number;
}

export interface MetricsStore {
  countOpenByStatus(): Promise<Record<OpenStatus, number>>;
  pendingQueue(highPriorityAtMost: number): Promise<PendingQueue>;
  /** Completed in [since, until]. */
  countCompleted(since: Date, until: Date): Promise<number>;
  /** Arrivals in [since, until]; missed deadlines in [since, until). */
  responseWindow(since: Date, until: Date): Promise<ResponseWindow>;
  /** Completed in [since, until] without a verified arrival (closed by an operations override, or older than proof of arrival). */
  countUnverifiedCompletions(since: Date, until: Date): Promise<number>;
  /** Ratings given in [since, until]. */
  satisfaction(since: Date, until: Date): Promise<Satisfaction>;
  etaAgreement(since: Date, until: Date): Promise<EtaAgreement>;
  /** Open requests nobody has reached whose deadline has already passed: the customers an incident is failing now. */
  countOpenPastDeadline(now: Date): Promise<number>;
  /** Real requests created in [since, until): the request rate the spike alarm watches. */
  countCreated(since: Date, until: Date): Promise<number>;
}
