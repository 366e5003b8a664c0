// Every minute: reclaims offers nobody accepted, offers pending requests again, and frees technicians held for nothing.
import { openStatuses } from '#shared/domain/emergency.js';
import type { EmergencyRequest } from '#shared/domain/emergency.js';
import type { TechnicianDirectory } from '#shared/ports/technician-directory.js';
import { notify } from '#shared/ports/notifier.js';
import type { DispatchOutcome } from '#shared/ports/dispatcher.js';
import {
  areaOf,
  dispatchArea,
  dispatchWindow,
  groupAreas,
  searchGroup,
  type AreaPool,
  type DispatchDeps,
} from './dispatch.js';
import { freshSince } from '#shared/domain/durations.js';
import { aboutRequest } from '#shared/ports/notifier.js';
import { fleetForRequest } from '#shared/domain/test-fleet.js';

export interface RedispatchDeps extends DispatchDeps {
  /** Whose offer was withdrawn, to tell them. */
  directory: TechnicianDirectory;
  dispatch: DispatchDeps['dispatch'] & { acceptWithinMinutes: number };
}

export interface RedispatchReport {
  reclaimed: number;
  attempted: number;
  assigned: number;
  stillPending: number;
  freedTechnicians: number;
  /** Technicians taken out of the dispatchable index because their van app went silent. */
  silentTechnicians: number;
  failures: number;
  /**
   * Searches run (one an area; in a batched window one for a group of nearby areas while supply is short) and the
   * DynamoDB Queries they cost: bounded by areas, not backlog.
   */
  areasSearched: number;
  searchQueries: number;
}

/** Offers reclaimed per run; anything left is picked up a minute later. */
const batchSize = 50;
/**
 * Pending requests offered per run, most urgent first (see findPending: urgency ages, so nobody starves). With one
 * search per area, a run costs at most `maxAreasPerRun` × 14 Queries however long the backlog.
 */
const pendingPerRun = 500;
const maxAreasPerRun = 20;
/** A claim is written a moment before the request row that names it; younger claims may be mid-assignment. */
const claimGraceMs = 60_000;

export async function redispatch(deps: RedispatchDeps): Promise<RedispatchReport> {
  const report: RedispatchReport = {
    reclaimed: 0,
    attempted: 0,
    assigned: 0,
    stillPending: 0,
    freedTechnicians: 0,
    silentTechnicians: 0,
    failures: 0,
    areasSearched: 0,
    searchQueries: 0,
  };
  const now = deps.clock.now();

  const offeredBefore = new Date(now.getTime() - deps.dispatch.acceptWithinMinutes * 60_000);
  for (const lapsed of await deps.requests.findUnacceptedSince(offeredBefore, batchSize)) {
    const technicianId = lapsed.technicianId!;
    // Guarded on "still not accepted": an accept that lands first keeps the job.
    const reclaimed = await deps.requests.reclaimUnaccepted(lapsed.id, technicianId, offeredBefore);
    if (!reclaimed) continue;
    report.reclaimed++;
    await deps.technicians.release(technicianId, lapsed.id, 'offline');
    const profile = await deps.directory.findTechnician(technicianId);
    if (profile) {
      await notify(deps, {
        ...aboutRequest(lapsed),
        channel: 'sms',
        purpose: 'technician-offer-withdrawn',
        to: profile.phone,
        text: `TyreHero job ${lapsed.reference} was not accepted within ${deps.dispatch.acceptWithinMinutes} minutes and has gone to someone else. You are set offline: set yourself available in the app when you can take work.`,
      });
    }
  }

  const areas = byArea(await deps.requests.findPending(pendingPerRun)).slice(0, maxAreasPerRun);
  if (deps.dispatch.policy === 'batched') {
    // One window per fleet: a synthetic request must never be planned a real technician, nor the reverse.
    for (const fleet of ['real', 'test'] as const) {
      const mine = areas.filter((area) => fleetForRequest(area[0]!) === fleet);
      if (mine.length === 0) continue;
      report.attempted += mine.reduce((n, area) => n + area.length, 0);
      try {
        const { outcomes, search, areasSearched } = await dispatchWindow(deps, mine);
        tally(report, outcomes, { searches: areasSearched, queries: search.queries });
      } catch (error) {
        report.failures++;
        deps.log.error('batched window failed', { fleet, error: error });
      }
    }
  }
  // Nearby areas share one search while supply is short (searchGroup): a storm's backlog in a dozen cells around one
  // city otherwise read out to its reach a dozen times for the same few free vans.
  for (const group of deps.dispatch.policy === 'batched' ? [] : groupAreas(areas)) {
    let pool: AreaPool | undefined;
    if (group.areas.length > 1)
      try {
        pool = await searchGroup(deps, group);
        report.areasSearched++;
        report.searchQueries += pool.report.queries;
      } catch (error) {
        // Each area then searches on its own, as if alone.
        deps.log.error('search for a group of areas failed', { ids: group.areas.map((a) => a[0]!.id), error: error });
      }
    for (const [i, area] of group.areas.entries()) {
      report.attempted += area.length;
      const shared = pool && (i === 0 || pool.exhausted) ? pool : undefined;
      try {
        const { outcomes, search } = await dispatchArea(deps, area, shared);
        // A shared pool's search was counted once, with its group.
        tally(report, outcomes, shared ? { searches: 0, queries: 0 } : { searches: 1, queries: search.queries });
      } catch (error) {
        // One area's failure must not starve the rest of the queue.
        report.failures++;
        deps.log.error('redispatch of an area failed', { ids: area.map((r) => r.id), error: error });
      }
    }
  }

  report.freedTechnicians = await freeOrphanedTechnicians(deps, now);
  report.silentTechnicians = (await deps.technicians.dropSilent(freshSince(now, deps.dispatch.freshMinutes))).length;
  deps.log.info('redispatch run', { ...report });
  return report;
}

/** Adds what one dispatch of some areas did, and the searches it ran, to the run's report. */
function tally(
  report: RedispatchReport,
  outcomes: readonly DispatchOutcome[],
  searched: { searches: number; queries: number },
): void {
  report.areasSearched += searched.searches;
  report.searchQueries += searched.queries;
  for (const outcome of outcomes) {
    if (outcome.kind === 'assigned') report.assigned++;
    else report.stillPending++;
  }
}

/**
 * Groups requests by area and fleet (synthetic requests search only the test fleet, so they never share a search with
 * real ones), keeping the given (most urgent first) order inside each area and between areas.
 */
function byArea(requests: readonly EmergencyRequest[]): EmergencyRequest[][] {
  const areas = new Map<string, EmergencyRequest[]>();
  for (const request of requests) {
    const area = `${fleetForRequest(request)}:${areaOf(request)}`;
    areas.set(area, [...(areas.get(area) ?? []), request]);
  }
  return [...areas.values()];
}

/** No technician may stay busy with a job that is no longer theirs (a release that failed after a cancel, say). */
async function freeOrphanedTechnicians(deps: RedispatchDeps, now: Date): Promise<number> {
  const held = (await deps.technicians.listHolding()).filter(
    (h) => h.claimedAt.getTime() < now.getTime() - claimGraceMs,
  );
  if (held.length === 0) return 0;
  const holders = await deps.requests.findHolders(held.map((h) => h.requestId));
  let freed = 0;
  for (const h of held) {
    const job = holders.get(h.requestId);
    const stillTheirs =
      job && job.technicianId === h.technicianId && openStatuses.includes(job.status) && job.status !== 'pending';
    if (stillTheirs) continue;
    if (await deps.technicians.release(h.technicianId, h.requestId)) {
      freed++;
      deps.log.warn('freed a technician held for a job that is not theirs', {
        technicianId: h.technicianId,
        requestId: h.requestId,
        jobStatus: job?.status,
      });
    }
  }
  return freed;
}
