// Gives a stored emergency the nearest technician who can beat its SLA deadline, race-free, and tells everyone.
import type { EmergencyRequest } from '../domain/emergency.js';
import { assessSeverity, severityPrefix } from '../domain/incident-severity.js';
import { type EtaSettings, arrivalAt, etaFor, meetsSla } from '../domain/eta.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/logger.js';
import { aboutRequest, type Notifier, type Notification } from '../ports/notifier.js';
import type { RequestStore } from '../ports/request-store.js';
import type { TechnicianDirectory } from '../ports/technician-directory.js';
import type { SearchReport, TechnicianIndex } from '../ports/technician-index.js';
import { formatUkTime } from '../domain/uk-day.js';
import { freshSince } from '../domain/durations.js';
import { fleetForRequest } from '../domain/test-fleet.js';

export interface DispatchDeps {
  requests: RequestStore;
  technicians: TechnicianIndex;
  directory: TechnicianDirectory;
  notifier: Notifier;
  clock: Clock;
  log: Log;
  dispatch: { candidates: number; maxRadiusKm: number; freshMinutes: number; eta: EtaSettings };
}

export type Dispatchable = Pick<EmergencyRequest, 'id' | 'reference' | 'phone' | 'location' | 'onMotorway' | 'slaDeadline' | 'declinedBy' | 'issue' | 'postcode' | 'isTest'>;

export type DispatchOutcome =
  | { kind: 'assigned'; technician: { id: string; firstName: string; van: string; distanceKm: number }; etaMinutes: number; eta: Date; search: SearchReport }
  | { kind: 'pending'; reason: 'no-technician-in-range' | 'none-within-sla' | 'all-claimed'; slaAtRisk: boolean; search: SearchReport };


/** Claims lost to concurrent requests send the search out again past those technicians, at most this many times. */
const maxSearchRounds = 4;

export async function dispatchEmergency(deps: DispatchDeps, request: Dispatchable): Promise<DispatchOutcome> {
  const now = deps.clock.now();
  const fresh = freshSince(now, deps.dispatch.freshMinutes);
  const tried = new Set(request.declinedBy);
  const report: SearchReport = { queries: 0, itemsRead: 0, rings: 0 };
  let seenAny = false;
  let reachable = 0;

  for (let round = 0; round < maxSearchRounds; round++) {
    const { found, report: searched } = await deps.technicians.nearestDispatchable(request.location, {
      k: deps.dispatch.candidates,
      maxRadiusKm: deps.dispatch.maxRadiusKm,
      freshSince: fresh,
      exclude: tried,
      // A synthetic request (a DR drill) only ever reaches the test fleet, and a real one only the real fleet.
      fleet: fleetForRequest(request),
    });
    report.queries += searched.queries;
    report.itemsRead += searched.itemsRead;
    report.rings = Math.max(report.rings, searched.rings);
    deps.log.info('technician search', { requestId: request.id, round, candidates: found.length, ...searched });
    if (found.length === 0) break;
    seenAny = true;

    for (const candidate of found) {
      tried.add(candidate.id);
      const minutes = etaFor(candidate.distanceKm, request.onMotorway, deps.dispatch.eta);
      // Not `break`: the speed band changes with distance, so a further technician can still arrive sooner.
      if (!meetsSla(now, minutes, request.slaDeadline)) continue;
      reachable++;
      if (!(await deps.technicians.claim(candidate.id, request.id, now, fresh))) continue;
      return await assignClaimed(deps, request, candidate, minutes, now, report);
    }
  }

  const reason = !seenAny ? 'no-technician-in-range' : reachable === 0 ? 'none-within-sla' : 'all-claimed';
  // Nobody at all, or nobody who can arrive in time: the promise is at risk until someone frees up.
  const slaAtRisk = reason !== 'all-claimed';
  const { newlyAtRisk } = await deps.requests.recordDispatchAttempt(request.id, now, slaAtRisk);
  // Redispatch retries every minute: operations hear once when a request becomes at risk, not at every retry.
  if (newlyAtRisk) {
    // The page carries the playbook's level: this customer is affected, and the queue says how widespread it is.
    const queueLength = await deps.requests.countPending().catch(() => 0);
    const severity = assessSeverity({ service: 'up', affectedCustomers: 1, dataIntegrityFailure: false, security: 'none', queueLength });
    await notify(deps, {
      ...aboutRequest(request),
      channel: 'operations',
      purpose: reason === 'no-technician-in-range' ? 'no-technician-in-range' : 'sla-at-risk',
      subject: `${severityPrefix(severity)} TyreHero ${request.reference}: ${reason === 'no-technician-in-range' ? 'no technician in range' : 'SLA at risk'}`,
      text: `Request ${request.reference} (${request.id}) at ${request.location.lat.toFixed(4)},${request.location.lon.toFixed(4)} has ${reason === 'no-technician-in-range' ? `no available technician within ${deps.dispatch.maxRadiusKm} km` : 'no available technician who can arrive before its deadline'} (${request.slaDeadline.toISOString()}). Severity ${severity.severity}: ${severity.reasons.join('; ')}.`,
    });
  }
  return { kind: 'pending', reason, slaAtRisk, search: report };
}

async function assignClaimed(
  deps: DispatchDeps,
  request: Dispatchable,
  candidate: { id: string; distanceKm: number },
  minutes: number,
  now: Date,
  report: SearchReport,
): Promise<DispatchOutcome> {
  const eta = arrivalAt(now, minutes);
  let assigned: EmergencyRequest | undefined;
  try {
    assigned = await deps.requests.assignIfPending(request.id, candidate.id, now, eta);
  } finally {
    // The request was cancelled meanwhile, or the write failed: the technician must not stay held for nothing.
    if (!assigned) await deps.technicians.release(candidate.id, request.id);
  }
  if (!assigned) return { kind: 'pending', reason: 'all-claimed', slaAtRisk: false, search: report };

  const profile = await deps.directory.findTechnician(candidate.id);
  const firstName = profile?.name.split(/\s+/)[0] ?? 'Your technician';
  const van = profile?.van ?? 'a TyreHero van';
  await notify(deps, { ...aboutRequest(request), channel: 'sms', purpose: 'customer-assigned', to: request.phone, text: `TyreHero ${request.reference}: ${firstName} is coming to you in a ${van}, expected by ${formatUkTime(eta)} (about ${minutes} min).` });
  if (profile) {
    const where = request.postcode ?? `${request.location.lat.toFixed(4)},${request.location.lon.toFixed(4)}`;
    await notify(deps, { ...aboutRequest(request), channel: 'sms', purpose: 'technician-offer', to: profile.phone, text: `TyreHero job ${request.reference}: ${request.issue.replace(/_/g, ' ')} at ${where}, ${candidate.distanceKm.toFixed(1)} km away. Accept in the app within 3 minutes.` });
  }
  return { kind: 'assigned', technician: { id: candidate.id, firstName, van, distanceKm: Math.round(candidate.distanceKm * 10) / 10 }, etaMinutes: minutes, eta, search: report };
}

/** Messages are best effort: a failed SMS must never undo an assignment already made. */
export async function notify(deps: Pick<DispatchDeps, 'notifier' | 'log'>, notification: Notification): Promise<void> {
  try {
    await deps.notifier.send(notification);
  } catch (error) {
    deps.log.error('notification failed', { purpose: notification.purpose, error: error });
  }
}
