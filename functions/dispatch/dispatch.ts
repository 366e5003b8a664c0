// Gives a stored emergency the nearest technician who can beat its SLA deadline, race-free, and tells everyone.
import { assessSeverity, severityPrefix } from '#shared/domain/incident-severity.js';
import { type EtaSettings, arrivalAt, etaFor, meetsSla, roadEtaMinutes, slaReachKm } from '#shared/domain/eta.js';
import type { Clock } from '#shared/ports/clock.js';
import type { Log } from '#shared/ports/logger.js';
import { aboutRequest, notify, type Notifier } from '#shared/ports/notifier.js';
import type { Assignment, EtaBasis, RequestStore } from '#shared/ports/request-store.js';
import type { RoadEta } from '#shared/ports/road-eta.js';
import type { SearchReport, TechnicianIndex } from '#shared/ports/technician-index.js';
import type { TrackingLinks } from '#shared/ports/tracking-links.js';
import type {
  Dispatchable,
  Dispatcher,
  DispatchOptions,
  DispatchOutcome,
  DispatchPolicy,
  PendingEstimate,
  PendingReason,
} from '#shared/ports/dispatcher.js';
import { planBatch, type BatchWeights } from '#shared/domain/batch-assignment.js';
import ngeohash from 'ngeohash';
import { formatUkTime } from '#shared/domain/uk-day.js';
import { freshSince } from '#shared/domain/durations.js';
import { byDistanceThenId, haversineKm, roundedKm } from '#shared/domain/geo.js';
import { visitingTechnician } from '#shared/domain/technician.js';
import { fleetForRequest } from '#shared/domain/test-fleet.js';

export interface DispatchDeps {
  requests: RequestStore;
  technicians: TechnicianIndex;
  notifier: Notifier;
  /** The tracking-page link in the customer's assignment SMS. */
  trackingLinks: TrackingLinks;
  clock: Clock;
  log: Log;
  /** The assigned van's ETA by road (intake in AWS), and how long to wait for it; absent: the heuristic's. */
  roadEta?: { engine: RoadEta; timeoutMs: number };
  dispatch: {
    candidates: number;
    maxRadiusKm: number;
    freshMinutes: number;
    eta: EtaSettings;
    /** Absent: greedy, as dispatch was before batching (shared/ports/dispatcher.ts). */
    policy?: DispatchPolicy;
    /** The batched window's cost weights; absent: defaultBatchWeights (what the simulation measured best). */
    batchWeights?: BatchWeights;
  };
}

/** Requests in the same precision-4 cell (~20 × 24 km) are one area: redispatch searches once for them all. */
export const areaPrecision = 4;

export const areaOf = (request: Pick<Dispatchable, 'location'>, precision = areaPrecision) =>
  ngeohash.encode(request.location.lat, request.location.lon, precision);

/**
 * Supply is judged over a precision-3 cell (~156 × 156 km), about a request's SLA reach (61–92 km each way): a van
 * that frees up is in reach of the requests waiting in the neighbouring ~20 km cells too, and the window, not the
 * next caller in an empty cell, should decide who gets it.
 */
const supplyPrecision = 3;

/** Claims lost to concurrent requests send the search out again past those technicians, at most this many times. */
const maxSearchRounds = 4;

/**
 * How long a request left pending may wait for its next dispatch: redispatch's cadence (functions.yml, `rate(1
 * minute)`), which is also the batched window. A pending answer's estimate adds it to the nearest van's ETA.
 */
export const dispatchWindowMinutes = 1;

export async function dispatchEmergency(
  deps: DispatchDeps,
  request: Dispatchable,
  options: DispatchOptions = {},
): Promise<DispatchOutcome> {
  const now = deps.clock.now();
  const fresh = freshSince(now, deps.dispatch.freshMinutes);
  const tried = new Set(request.declinedBy);
  const report: SearchReport = { queries: 0, itemsRead: 0, levels: 0 };
  let seenAny = false;
  let reachable = 0;
  // The nearest van found that can make the deadline: a pending answer's estimate, at no extra read.
  let nearest: Reachable | undefined;
  // Nobody further can beat the deadline, and dispatch assigns only someone who can: further would only cost reads.
  const radiusKm = searchRadiusKm(deps, request, now);

  for (let round = 0; round < maxSearchRounds; round++) {
    const { found, report: searched } = await deps.technicians.nearestDispatchable(request.location, {
      k: deps.dispatch.candidates,
      maxRadiusKm: radiusKm,
      freshSince: fresh,
      exclude: tried,
      // A synthetic request (a DR drill) only ever reaches the test fleet, and a real one only the real fleet.
      fleet: fleetForRequest(request),
    });
    report.queries += searched.queries;
    report.itemsRead += searched.itemsRead;
    report.levels = Math.max(report.levels, searched.levels);
    deps.log.info('technician search', {
      requestId: request.id,
      round,
      radiusKm: Math.round(radiusKm * 10) / 10,
      candidates: found.length,
      ...searched,
    });
    if (found.length === 0) break;
    seenAny = true;
    if (round === 0 && options.fromIntake && !request.isTest && (await supplyShort(deps, request, found, now))) {
      deps.log.info('supply short: left for the batched window', { requestId: request.id });
      return leavePending(
        deps,
        request,
        'awaiting-batch',
        now,
        radiusKm,
        report,
        nearestReachable(deps, request, found, now),
      );
    }

    for (const candidate of found) {
      tried.add(candidate.id);
      const minutes = etaFor(candidate.distanceKm, request.onMotorway, deps.dispatch.eta);
      // Not `break`: the speed band changes with distance, so a further technician can still arrive sooner.
      if (!meetsSla(now, minutes, request.slaDeadline)) continue;
      reachable++;
      if (!nearest || candidate.distanceKm < nearest.distanceKm)
        nearest = { distanceKm: candidate.distanceKm, minutes };
      if (!(await deps.technicians.claim(candidate.id, request.id, now, fresh))) continue;
      return await assignClaimed(deps, request, candidate, minutes, now, report, options);
    }
  }

  // Nobody inside the SLA reach, when it is shorter than the service radius: someone further may exist, too far to make it.
  const reason = !seenAny
    ? radiusKm < deps.dispatch.maxRadiusKm
      ? 'none-within-sla'
      : 'no-technician-in-range'
    : reachable === 0
      ? 'none-within-sla'
      : 'all-claimed';
  return leavePending(deps, request, reason, now, radiusKm, report, nearest);
}

/** A van found that can make the request's deadline: how far, and its heuristic ETA in minutes. */
interface Reachable {
  distanceKm: number;
  minutes: number;
}

/** The nearest of these candidates who can make the deadline, by the same heuristic the choice uses; none: undefined. */
function nearestReachable(
  deps: DispatchDeps,
  request: Dispatchable,
  found: readonly { distanceKm: number }[],
  now: Date,
): Reachable | undefined {
  let nearest: Reachable | undefined;
  for (const { distanceKm } of found) {
    const minutes = etaFor(distanceKm, request.onMotorway, deps.dispatch.eta);
    if (meetsSla(now, minutes, request.slaDeadline) && (!nearest || distanceKm < nearest.distanceKm))
      nearest = { distanceKm, minutes };
  }
  return nearest;
}

/**
 * What a pending request may expect, only where the search gave a basis (shared/ports/dispatcher.ts, PendingEstimate):
 * the nearest van able to make it, after the next window. Nobody able to make it, or nobody in range: no estimate.
 */
function pendingEstimate(
  reason: PendingReason,
  now: Date,
  nearest: Reachable | undefined,
): PendingEstimate | undefined {
  if (!nearest || (reason !== 'awaiting-batch' && reason !== 'all-claimed')) return undefined;
  const etaMinutes = nearest.minutes + dispatchWindowMinutes;
  return {
    basis: reason === 'awaiting-batch' ? 'nearest-free-van' : 'earliest-possible',
    eta: arrivalAt(now, etaMinutes),
    etaMinutes,
  };
}

/**
 * Batched policy only: fewer than k technicians can make this request's deadline and at least as many other requests
 * wait in its area, so who gets them is the batched window's decision, not arrival order. With k or more able to make
 * it, supply is spare and nothing is read: the fast path is unchanged.
 */
async function supplyShort(
  deps: DispatchDeps,
  request: Dispatchable,
  found: readonly { distanceKm: number }[],
  now: Date,
): Promise<boolean> {
  if (deps.dispatch.policy !== 'batched') return false;
  const reachable = found.filter((c) =>
    meetsSla(now, etaFor(c.distanceKm, request.onMotorway, deps.dispatch.eta), request.slaDeadline),
  ).length;
  if (reachable === 0 || reachable >= deps.dispatch.candidates) return false;
  return (
    (await deps.requests.countPendingInCell(areaOf(request, supplyPrecision), request.isTest, request.id)) >= reachable
  );
}

/**
 * Records the attempt; nobody at all, or nobody who can arrive in time, puts the promise at risk until someone frees up
 * (and operations are paged). `nearest`: the nearest van found able to make the deadline, the estimate's basis.
 */
async function leavePending(
  deps: DispatchDeps,
  request: Dispatchable,
  reason: PendingReason,
  now: Date,
  radiusKm: number,
  report: SearchReport,
  nearest?: Reachable,
): Promise<DispatchOutcome> {
  const slaAtRisk = atRisk(reason);
  const { newlyAtRisk } = await deps.requests.recordDispatchAttempt(request.id, now, slaAtRisk);
  // Redispatch retries every minute: operations hear once when a request becomes at risk, not at every retry.
  if (newlyAtRisk) await pageAtRisk(deps, [{ request, reason, radiusKm }]);
  const estimate = pendingEstimate(reason, now, nearest);
  return { kind: 'pending', reason, slaAtRisk, search: report, ...(estimate ? { estimate } : {}) };
}

interface LeftPending {
  request: Dispatchable;
  reason: PendingReason;
  radiusKm: number;
}

/**
 * leavePending for a redispatch run's leftovers: one statement records every attempt (a storm's backlog is a hundred
 * requests a minute, and one UPDATE each was most of a run), then operations hear of each request newly at risk.
 */
async function leaveAllPending(
  deps: DispatchDeps,
  left: readonly LeftPending[],
  now: Date,
  report: SearchReport,
): Promise<Map<string, DispatchOutcome>> {
  const { newlyAtRisk } = await deps.requests.recordDispatchAttempts(
    left.map((l) => ({ id: l.request.id, slaAtRisk: atRisk(l.reason) })),
    now,
  );
  await pageAtRisk(
    deps,
    left.filter((l) => newlyAtRisk.has(l.request.id)),
  );
  return new Map(
    left.map((l) => [
      l.request.id,
      { kind: 'pending', reason: l.reason, slaAtRisk: atRisk(l.reason), search: report } satisfies DispatchOutcome,
    ]),
  );
}

/** Nobody at all, or nobody who can arrive in time: at risk until someone frees up. */
const atRisk = (reason: PendingReason) => reason !== 'all-claimed' && reason !== 'awaiting-batch';

/** Pages operations about requests that have just become at risk, each at the playbook's level for the queue now. */
async function pageAtRisk(deps: DispatchDeps, left: readonly LeftPending[]): Promise<void> {
  if (left.length === 0) return;
  // The page carries the playbook's level: this customer is affected, and the queue says how widespread it is.
  const queueLength = await deps.requests.countPending().catch(() => 0);
  const severity = assessSeverity({
    service: 'up',
    affectedCustomers: 1,
    dataIntegrityFailure: false,
    security: 'none',
    queueLength,
  });
  for (const { request, reason, radiusKm } of left)
    await notify(deps, {
      ...aboutRequest(request),
      channel: 'operations',
      purpose: reason === 'no-technician-in-range' ? 'no-technician-in-range' : 'sla-at-risk',
      subject: `${severityPrefix(severity)} TyreHero ${request.reference}: ${reason === 'no-technician-in-range' ? 'no technician in range' : 'SLA at risk'}`,
      text: `Request ${request.reference} (${request.id}) at ${request.location.lat.toFixed(4)},${request.location.lon.toFixed(4)} has ${reason === 'no-technician-in-range' ? `no available technician within ${Math.floor(radiusKm)} km` : `no available technician who can arrive before its deadline (none within ${Math.floor(radiusKm)} km)`} (${request.slaDeadline.toISOString()}). Severity ${severity.severity}: ${severity.reasons.join('; ')}.`,
    });
}

/** The search radius for a request now: nobody further can beat its deadline (docs/api.md, "Dispatch": the radius decision). */
function searchRadiusKm(deps: DispatchDeps, request: Dispatchable, now: Date): number {
  const minutesLeft = (request.slaDeadline.getTime() - now.getTime()) / 60_000;
  return Math.min(deps.dispatch.maxRadiusKm, slaReachKm(minutesLeft, request.onMotorway, deps.dispatch.eta));
}

/** Technicians a group of areas' one search found, shared by its areas; each claim takes its technician out. */
export interface AreaPool {
  free: Map<string, { id: string; location: { lat: number; lon: number } }>;
  report: SearchReport;
  /** Fewer than asked for: the pool holds every dispatchable technician within the group's disc. */
  exhausted: boolean;
}

/**
 * Redispatch of a backlog in one area with ONE search: the nearest technicians to the area's most urgent request,
 * enough for every request in the area, then each request in turn (most urgent first) gets the nearest of them who
 * can beat its own deadline. A search costs at most 14 Queries whatever k is, so a run's cost follows the number of
 * areas, not the length of the backlog. Exact for the first request; for the others in the same ~20 km cell it picks
 * among the candidates found around the first, each checked against its own SLA. Given a group's `pool`
 * (searchGroup), the area picks from it instead of searching.
 */
export async function dispatchArea(
  deps: DispatchDeps,
  requests: readonly Dispatchable[],
  pool?: AreaPool,
): Promise<{ outcomes: DispatchOutcome[]; search: SearchReport }> {
  const now = deps.clock.now();
  const fresh = freshSince(now, deps.dispatch.freshMinutes);
  const anchor = requests[0]!;
  const fleet = fleetForRequest(anchor);
  // One search serves one fleet: a synthetic request must never be offered a real technician, nor the reverse.
  if (requests.some((r) => fleetForRequest(r) !== fleet))
    throw new Error('dispatchArea: an area mixes synthetic and real requests');
  const radiusKm = areaRadiusKm(deps, requests, now);
  const { found, report } = pool
    ? {
        found: [...pool.free.values()].filter((c) => haversineKm(anchor.location, c.location) <= radiusKm),
        report: pool.report,
      }
    : await deps.technicians.nearestDispatchable(anchor.location, {
        k: requests.length + deps.dispatch.candidates,
        maxRadiusKm: radiusKm,
        freshSince: fresh,
        fleet,
      });
  deps.log.info('area search', {
    requestId: anchor.id,
    requests: requests.length,
    radiusKm: Math.round(radiusKm * 10) / 10,
    candidates: found.length,
    shared: Boolean(pool),
    ...report,
  });
  const free = pool?.free ?? new Map(found.map((c) => [c.id, c]));
  const outcomes: (DispatchOutcome | undefined)[] = [];
  const left: LeftPending[] = [];
  for (const request of requests) {
    const declined = new Set(request.declinedBy);
    const ranked = [...free.values()]
      .filter((c) => !declined.has(c.id))
      .map((c) => ({ ...c, distanceKm: haversineKm(request.location, c.location) }))
      .sort(byDistanceThenId);
    let outcome: DispatchOutcome | undefined;
    let reachable = 0;
    for (const candidate of ranked) {
      const minutes = etaFor(candidate.distanceKm, request.onMotorway, deps.dispatch.eta);
      if (!meetsSla(now, minutes, request.slaDeadline)) continue;
      reachable++;
      free.delete(candidate.id);
      if (!(await deps.technicians.claim(candidate.id, request.id, now, fresh))) continue;
      // Assigned, or the request was cancelled meanwhile (the claim is released): either way this request is done.
      outcome = await assignClaimed(deps, request, candidate, minutes, now, report);
      break;
    }
    const reason =
      found.length === 0 && radiusKm >= deps.dispatch.maxRadiusKm
        ? 'no-technician-in-range'
        : reachable === 0
          ? 'none-within-sla'
          : 'all-claimed';
    outcomes.push(outcome);
    if (!outcome) left.push({ request, reason, radiusKm: searchRadiusKm(deps, request, now) });
  }
  const pending = await leaveAllPending(deps, left, now, report);
  return { outcomes: requests.map((r, i) => outcomes[i] ?? pending.get(r.id)!), search: report };
}

/** The radius an area's search needs: the furthest any of its requests can still be reached from in time. */
const areaRadiusKm = (deps: DispatchDeps, requests: readonly Dispatchable[], now: Date) =>
  Math.max(...requests.map((r) => searchRadiusKm(deps, r, now)));

/**
 * One search for a group of nearby areas (groupAreas), out to the furthest of their radii plus the group's spread, for
 * as many technicians as all of them ask. Exhausted (fewer found), it holds every dispatchable technician within each
 * member area's own disc, so every area can pick from it; otherwise only the first area can (its own search would have
 * found a subset), and the others search on their own.
 */
export async function searchGroup(
  deps: DispatchDeps,
  group: { areas: readonly (readonly Dispatchable[])[]; spreadKm: number },
): Promise<AreaPool> {
  const now = deps.clock.now();
  const anchor = group.areas[0]![0]!;
  const k = group.areas.reduce((n, area) => n + area.length, 0) + deps.dispatch.candidates;
  const { found, report } = await deps.technicians.nearestDispatchable(anchor.location, {
    k,
    maxRadiusKm: Math.max(...group.areas.map((area) => areaRadiusKm(deps, area, now))) + group.spreadKm,
    freshSince: freshSince(now, deps.dispatch.freshMinutes),
    fleet: fleetForRequest(anchor),
  });
  return { free: new Map(found.map((c) => [c.id, c])), report, exhausted: found.length < k };
}

/**
 * Areas whose first requests lie within this of a group's first share one search while supply is short (searchGroup,
 * and the batched window): a storm's backlog sits in a dozen ~20 km cells around one city, and each searched alone
 * read out to its reach for the same few free vans (about 10 Queries an area for 0.3 vans found, on the simulated
 * storm day's batched windows).
 */
const windowGroupKm = 50;

/**
 * The batched window over a whole run: every technician who could serve any of its requests, pooled, and ONE plan over
 * all the run's requests, so a van between two areas goes where the plan says rather than to whichever area was
 * searched first. Areas of one fleet only.
 *
 * Areas near each other are searched as a group: one search from the group's first request, out to the service radius
 * plus the group's spread, for as many technicians as all its areas ask. When it finds fewer than that, it has read
 * every dispatchable technician within its disc, which holds each member area's own disc: the pool is what searching
 * each area would have found. When it finds them all (supply to spare), each other area is searched on its own as
 * before, so a busy city's areas still get their own nearest. A search costs at most 14 Queries either way.
 */
export async function dispatchWindow(
  deps: DispatchDeps,
  areas: readonly (readonly Dispatchable[])[],
): Promise<{ outcomes: DispatchOutcome[]; search: SearchReport; areasSearched: number }> {
  const now = deps.clock.now();
  const fresh = freshSince(now, deps.dispatch.freshMinutes);
  const report: SearchReport = { queries: 0, itemsRead: 0, levels: 0 };
  const pooled = new Map<string, { id: string; location: { lat: number; lon: number } }>();
  let searches = 0;
  const search = async (anchor: Dispatchable, k: number, radiusKm: number) => {
    searches++;
    const { found, report: searched } = await deps.technicians.nearestDispatchable(anchor.location, {
      k,
      maxRadiusKm: radiusKm,
      freshSince: fresh,
      fleet: fleetForRequest(anchor),
    });
    report.queries += searched.queries;
    report.itemsRead += searched.itemsRead;
    report.levels = Math.max(report.levels, searched.levels);
    for (const c of found) pooled.set(c.id, c);
    return found.length;
  };
  // Requests past making their deadline are served too (never starved), so the search looks as far as dispatch does.
  for (const group of groupAreas(areas)) {
    const k = group.areas.reduce((n, area) => n + area.length, 0) + deps.dispatch.candidates;
    const found = await search(group.areas[0]![0]!, k, deps.dispatch.maxRadiusKm + group.spreadKm);
    if (found < k) continue;
    for (const area of group.areas.slice(1))
      await search(area[0]!, area.length + deps.dispatch.candidates, deps.dispatch.maxRadiusKm);
  }
  const requests = areas.flat();
  deps.log.info('batched window', { requests: requests.length, technicians: pooled.size, searches, ...report });
  return {
    outcomes: await dispatchBatch(deps, requests, [...pooled.values()], now, fresh, report),
    search: report,
    areasSearched: searches,
  };
}

/** Areas grouped by their first request's distance from a group's first (within windowGroupKm), in the order given. */
export function groupAreas(
  areas: readonly (readonly Dispatchable[])[],
): { areas: (readonly Dispatchable[])[]; spreadKm: number }[] {
  const groups: { areas: (readonly Dispatchable[])[]; spreadKm: number }[] = [];
  for (const area of areas) {
    const at = area[0]!.location;
    const group = groups.find((g) => haversineKm(g.areas[0]![0]!.location, at) <= windowGroupKm);
    if (!group) {
      groups.push({ areas: [area], spreadKm: 0 });
      continue;
    }
    group.areas.push(area);
    group.spreadKm = Math.max(group.spreadKm, haversineKm(group.areas[0]![0]!.location, at));
  }
  return groups;
}

/** Requests one window plans at most: the solver is O(n²·m), and a longer backlog waits for the next window. */
const maxBatch = 150;

/**
 * The batched window: the plan (shared/domain/batch-assignment.ts) says who gets whom; each match is then
 * claimed and assigned exactly as a greedy dispatch would (the same conditional claim, the same guarded UPDATE), most
 * urgent request first. A lost claim leaves its request pending for the next window.
 */
async function dispatchBatch(
  deps: DispatchDeps,
  requests: readonly Dispatchable[],
  found: readonly { id: string; location: { lat: number; lon: number } }[],
  now: Date,
  fresh: Date,
  report: SearchReport,
): Promise<DispatchOutcome[]> {
  const window = requests.slice(0, maxBatch);
  const plan = planBatch(
    window,
    found,
    now,
    { eta: deps.dispatch.eta, maxRadiusKm: deps.dispatch.maxRadiusKm },
    deps.dispatch.batchWeights,
  );
  const planned = new Map(plan.map((p) => [p.requestId, p]));
  const outcomes: (DispatchOutcome | undefined)[] = [];
  const left: LeftPending[] = [];
  for (const request of requests) {
    const match = planned.get(request.id);
    if (match && (await deps.technicians.claim(match.technicianId, request.id, now, fresh))) {
      outcomes.push(
        await assignClaimed(
          deps,
          request,
          {
            id: match.technicianId,
            distanceKm: match.distanceKm,
            location: found.find((c) => c.id === match.technicianId)?.location,
          },
          match.etaMinutes,
          now,
          report,
        ),
      );
      continue;
    }
    const reachable = found.some((c) =>
      meetsSla(
        now,
        etaFor(haversineKm(request.location, c.location), request.onMotorway, deps.dispatch.eta),
        request.slaDeadline,
      ),
    );
    const reason: PendingReason =
      found.length === 0 ? 'no-technician-in-range' : reachable ? 'all-claimed' : 'none-within-sla';
    outcomes.push(undefined);
    left.push({ request, reason, radiusKm: searchRadiusKm(deps, request, now) });
  }
  const pending = await leaveAllPending(deps, left, now, report);
  return requests.map((r, i) => outcomes[i] ?? pending.get(r.id)!);
}

/**
 * The ETA the customer is given for the van chosen: the road route's where there is one in time (the choice itself,
 * and the SLA check, stay on the heuristic, which needs no call per candidate), the heuristic's otherwise.
 */
async function honestEta(
  deps: DispatchDeps,
  request: Dispatchable,
  from: { lat: number; lon: number } | undefined,
  heuristicMinutes: number,
): Promise<{ minutes: number; basis: EtaBasis }> {
  const heuristic = { minutes: heuristicMinutes, basis: { method: 'heuristic', heuristicMinutes } as EtaBasis };
  if (!deps.roadEta || !from) return heuristic;
  const signal = AbortSignal.timeout(deps.roadEta.timeoutMs);
  // An engine that ignored the signal must not hold the intake past its share of the budget either.
  const late = new Promise<never>((_, reject) =>
    signal.addEventListener('abort', () => reject(new Error('road ETA timed out')), { once: true }),
  );
  // The timer fires after a route that came in time too: nobody waits on it then.
  late.catch(() => undefined);
  try {
    const { seconds } = await Promise.race([deps.roadEta.engine.drive(from, request.location, signal), late]);
    const roadMinutes = roadEtaMinutes(seconds, deps.dispatch.eta);
    return { minutes: roadMinutes, basis: { method: 'road', heuristicMinutes, roadMinutes } };
  } catch (error) {
    // Late (its timeout is a small share of the intake budget), refused or unreachable: the heuristic answers.
    deps.log.warn('road ETA unavailable; the heuristic answers', { requestId: request.id, error });
    return heuristic;
  }
}

async function assignClaimed(
  deps: DispatchDeps,
  request: Dispatchable,
  candidate: { id: string; distanceKm: number; location?: { lat: number; lon: number } },
  heuristicMinutes: number,
  now: Date,
  report: SearchReport,
  options: DispatchOptions = {},
): Promise<DispatchOutcome> {
  const { minutes, basis } = await honestEta(deps, request, candidate.location, heuristicMinutes);
  const eta = arrivalAt(now, minutes);
  const keptAnswer = options.keepAnswer?.({
    technicianId: candidate.id,
    distanceKm: roundedKm(candidate.distanceKm),
    eta,
    etaMinutes: minutes,
  });
  let assigned: Assignment | undefined;
  try {
    assigned = await deps.requests.assignIfPending(request.id, candidate.id, now, eta, keptAnswer, basis);
  } finally {
    // The request was cancelled meanwhile, or the write failed: the technician must not stay held for nothing.
    if (!assigned) await deps.technicians.release(candidate.id, request.id);
  }
  if (!assigned) return { kind: 'pending', reason: 'all-claimed', slaAtRisk: false, search: report };

  const profile = assigned.technician;
  const { firstName, van } = visitingTechnician(profile);
  const link = await trackingLink(deps, request);
  await notify(deps, {
    ...aboutRequest(request),
    channel: 'sms',
    purpose: 'customer-assigned',
    requestId: request.id,
    to: request.phone,
    text: `TyreHero ${request.reference}: ${firstName} is coming to you in a ${van}, expected by ${formatUkTime(eta)} (about ${minutes} min).${link ? ` Follow the van: ${link}` : ''}`,
  });
  if (profile) await offerJob(deps, request, profile.phone, `${candidate.distanceKm.toFixed(1)} km away`);
  return {
    kind: 'assigned',
    technician: { id: candidate.id, firstName, van, distanceKm: roundedKm(candidate.distanceKm) },
    etaMinutes: minutes,
    eta,
    search: report,
    ...(keptAnswer !== undefined ? { answerKept: true } : {}),
  };
}

/** The link is a nicety: without it (a key service failing, a request older than derived tokens) the SMS still goes. */
async function trackingLink(
  deps: Pick<DispatchDeps, 'trackingLinks' | 'log'>,
  request: Dispatchable,
): Promise<string | undefined> {
  try {
    return await deps.trackingLinks.linkFor(request);
  } catch (error) {
    deps.log.warn('tracking link unavailable; SMS sent without it', { id: request.id, error: error });
    return undefined;
  }
}

/** Tells the technician a job is theirs to accept: what, where, and `detail` (how far, or who gave it to them). */
export async function offerJob(
  deps: Pick<DispatchDeps, 'notifier' | 'log'>,
  request: Dispatchable,
  phone: string,
  detail: string,
): Promise<void> {
  const where = request.postcode ?? `${request.location.lat.toFixed(4)},${request.location.lon.toFixed(4)}`;
  await notify(deps, {
    ...aboutRequest(request),
    channel: 'sms',
    purpose: 'technician-offer',
    to: phone,
    text: `TyreHero job ${request.reference}: ${request.issue.replace(/_/g, ' ')} at ${where}, ${detail}. Accept in the app within 3 minutes.`,
  });
}

/** The Dispatcher methods (shared/ports/dispatcher.ts), each run over the deps it is called on. */
const dispatcherMethods = {
  dispatchRequest(this: DispatchDeps, request: Dispatchable, options?: DispatchOptions) {
    return dispatchEmergency(this, request, options);
  },
  offerJob(this: DispatchDeps, request: Dispatchable, phone: string, detail: string) {
    return offerJob(this, request, phone, detail);
  },
};

/** `deps` that can dispatch: what a root gives a use case of another feature that dispatches (intake, job steps, operations). */
export function withDispatcher<D extends DispatchDeps>(deps: D): D & Dispatcher {
  return Object.assign(deps, dispatcherMethods);
}
