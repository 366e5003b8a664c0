// What disaster recovery asks of the system of record: lost requests, data-integrity facts, and the record of DR runs.
import type { RequestStatus } from '#shared/domain/emergency.js';

/** A request the audit trail says was stored, which emergency_requests no longer holds (and nobody deleted). */
export interface LostRequest {
  id: string;
  reference: string;
  createdAt: Date;
  /** Its status in the latest audited image: what a replay restores. */
  status: RequestStatus;
}

export interface StuckCount {
  status: RequestStatus;
  count: number;
  oldestSince?: Date;
}

/** Real requests created in one minute. Minutes with none are absent. */
export interface MinuteCount {
  minute: Date;
  count: number;
}

export interface RecoveryStore {
  /** Audit-trail INSERTs with no matching request and no audited DELETE, oldest first. */
  findLostRequests(limit: number): Promise<LostRequest[]>;
  /** Re-inserts these requests from their latest audited image; a request already present is left alone. Returns the ids inserted. */
  replayFromAudit(ids: readonly string[]): Promise<string[]>;
  /** Which of these ids emergency_requests does not hold. */
  missingIds(ids: readonly string[]): Promise<string[]>;
  /** Open real requests that entered their status longer ago than that status's threshold (minutes). */
  findStuck(now: Date, thresholdsMinutes: Partial<Record<RequestStatus, number>>): Promise<StuckCount[]>;
  /** Real requests per minute in [since, until). */
  minuteCounts(since: Date, until: Date): Promise<MinuteCount[]>;
  /** Mean real requests per minute in each UTC hour of day (0–23) over [since, until): the trailing rate. */
  hourlyRates(since: Date, until: Date): Promise<Map<number, number>>;
}

export type DrRunKind = 'check' | 'failover' | 'restore' | 'recover' | 'drill';
export type DrRunOutcome = 'planned' | 'succeeded' | 'failed' | 'refused';

export interface DrRun {
  id: string;
  kind: DrRunKind;
  operator: string;
  dryRun: boolean;
  startedAt: Date;
  finishedAt: Date;
  outcome: DrRunOutcome;
  plan: unknown;
  result: unknown;
}

export interface DrRunLog {
  record(run: DrRun): Promise<void>;
  /** Most recent first. */
  list(kind: DrRunKind, limit: number): Promise<DrRun[]>;
}
