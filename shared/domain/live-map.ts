// What the operations live map shows: how each technician reads on the map and how close each open request is to its deadline.
import type { RequestStatus } from './emergency.js';

export type MapTechnicianStatus = 'available' | 'busy' | 'silent' | 'on_break';
export type SlaRisk = 'on-track' | 'at-risk' | 'late';

/** A technician as the index holds them (status as last set, last fix, the job they hold). */
export interface FleetEntry {
  status: 'available' | 'busy' | 'on_break' | 'offline';
  recordedAt?: Date;
  hasLocation: boolean;
  currentJob?: string;
}

/**
 * How a technician shows on the map, or undefined when they are not shown (offline, or never located: there is nowhere
 * to draw them). Busy wins over silent: a technician with a job is that job's technician however quiet their van, and
 * the job's own SLA risk says whether that matters. Otherwise no fresh fix (LOCATION_FRESH_MINUTES) reads as silent.
 */
export function mapStatusOf(technician: FleetEntry, freshSince: Date): MapTechnicianStatus | undefined {
  if (!technician.hasLocation) return undefined;
  if (technician.currentJob || technician.status === 'busy') return 'busy';
  if (technician.status === 'offline') return undefined;
  if (!technician.recordedAt || technician.recordedAt < freshSince) return 'silent';
  return technician.status;
}

/** An open request as far as its SLA risk goes. */
export interface RiskInput {
  status: RequestStatus;
  slaDeadline: Date;
  slaAtRisk: boolean;
  eta?: Date;
  onSiteAt?: Date;
}

/**
 * Less than this left before the deadline with nobody on the way: at risk. The shortest arrival dispatch can promise
 * is mobilisation (ETA_MOBILISATION_MINUTES, 10) plus a short urban drive, so 20 minutes left with nobody assigned
 * is already a promise in danger.
 */
export const atRiskWithinMinutes = 20;

/**
 * The rules, in order:
 * 1. on site: late if the technician reached them after the deadline, otherwise on track (the promise was kept);
 * 2. deadline passed with nobody there: late;
 * 3. dispatch flagged it (nobody can arrive in time), or the ETA is past the deadline: at risk;
 * 4. nobody on the way yet (pending, or assigned without an ETA) and less than `atRiskWithinMinutes` left: at risk;
 * 5. otherwise on track (a technician is on the way with an ETA before the deadline, or there is time to find one).
 */
export function slaRisk(request: RiskInput, now: Date): SlaRisk {
  if (request.status === 'on_site')
    return request.onSiteAt && request.onSiteAt > request.slaDeadline ? 'late' : 'on-track';
  if (now >= request.slaDeadline) return 'late';
  if (request.slaAtRisk || (request.eta && request.eta > request.slaDeadline)) return 'at-risk';
  if (!request.eta && minutesToDeadline(request.slaDeadline, now) <= atRiskWithinMinutes) return 'at-risk';
  return 'on-track';
}

/** Whole minutes left before the deadline (negative once passed). */
export function minutesToDeadline(slaDeadline: Date, now: Date): number {
  return Math.round((slaDeadline.getTime() - now.getTime()) / 60_000);
}

const riskRank: Record<SlaRisk, number> = { late: 0, 'at-risk': 1, 'on-track': 2 };

/** Most urgent first: late, then at risk, then on track; within each, the nearest deadline first, then priority, then id (stable). */
export function byUrgency(
  a: { risk: SlaRisk; slaDeadline: Date; priority: number; id: string },
  b: { risk: SlaRisk; slaDeadline: Date; priority: number; id: string },
): number {
  return (
    riskRank[a.risk] - riskRank[b.risk] ||
    a.slaDeadline.getTime() - b.slaDeadline.getTime() ||
    a.priority - b.priority ||
    a.id.localeCompare(b.id)
  );
}
