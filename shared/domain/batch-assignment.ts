// Batched assignment when supply is short: a window's requests and free technicians matched at least total cost.
import { etaFor, meetsSla, type EtaSettings } from './eta.js';
import { haversineKm } from './geo.js';
import type { GeoPoint } from './emergency.js';

/**
 * Minimum-cost assignment (Hungarian method with potentials, O(n²·m)) of the rows of a cost matrix to distinct columns,
 * n ≤ m. `cost[i][j]` is the cost of row i taking column j; every row is matched. Returns the column of each row.
 */
export function minCostAssignment(cost: readonly (readonly number[])[]): number[] {
  const n = cost.length;
  if (n === 0) return [];
  const m = cost[0]!.length;
  if (m < n) throw new Error(`minCostAssignment: ${n} rows cannot each take one of ${m} columns`);
  // 1-based, as in the classical formulation: column 0 is the virtual start of each augmenting path.
  const u = new Array<number>(n + 1).fill(0);
  const v = new Array<number>(m + 1).fill(0);
  const rowOf = new Array<number>(m + 1).fill(0);
  const way = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    rowOf[0] = i;
    let j0 = 0;
    const minv = new Array<number>(m + 1).fill(Infinity);
    const used = new Array<boolean>(m + 1).fill(false);
    do {
      used[j0] = true;
      const i0 = rowOf[j0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const reduced = cost[i0 - 1]![j - 1]! - u[i0]! - v[j]!;
        if (reduced < minv[j]!) {
          minv[j] = reduced;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[rowOf[j]!] = u[rowOf[j]!]! + delta;
          v[j] = v[j]! - delta;
        } else minv[j] = minv[j]! - delta;
      }
      j0 = j1;
    } while (rowOf[j0] !== 0);
    do {
      const j1 = way[j0]!;
      rowOf[j0] = rowOf[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const columnOf = new Array<number>(n).fill(-1);
  for (let j = 1; j <= m; j++) if (rowOf[j]! > 0) columnOf[rowOf[j]! - 1] = j - 1;
  return columnOf;
}

export interface BatchRequest {
  id: string;
  location: GeoPoint;
  onMotorway: boolean;
  priority: number;
  createdAt: Date;
  slaDeadline: Date;
  declinedBy: readonly string[];
}

export interface BatchTechnician {
  id: string;
  location: GeoPoint;
}

export interface BatchWeights {
  /** Minutes a missed deadline costs, for a priority-5 request; each priority step more urgent adds `missPerPriority`. */
  missBase: number;
  missPerPriority: number;
  /**
   * A request's urgency, in minutes: `perPriority` for each priority step above 5, `waitWeight` per minute waited
   * (the nearer its deadline, the sooner it is served among those that can make it), and `lateAging` per minute past
   * its deadline.
   */
  perPriority: number;
  waitWeight: number;
  lateAging: number;
  /**
   * A request that can no longer make its deadline takes a technician left over after every request that can still
   * make it, when the drive is shorter than this plus its urgency. Its urgency grows while it waits, so it reaches
   * further every minute and none waits for ever; a long drive to a late request right after its deadline would only
   * make the next call late too.
   */
  serveFloor: number;
  /** False: a request that cannot make its deadline is never planned (greedy's rule; the simulation's comparison). */
  serveLate: boolean;
  /**
   * A pair counts as on time only with this many minutes to spare: a plan that arrives on the minute is late as soon
   * as the van is slower than the model, and the window, unlike nearest-first, would otherwise plan to the edge.
   */
  slackMinutes: number;
}

/** Measured with `npm run simulate` (docs/performance.md, "Storm day"). */
export const defaultBatchWeights: BatchWeights = {
  missBase: 600,
  missPerPriority: 100,
  perPriority: 10,
  waitWeight: 0.25,
  lateAging: 1,
  serveFloor: 30,
  serveLate: true,
  slackMinutes: 10,
};

export interface PlannedMatch {
  requestId: string;
  technicianId: string;
  distanceKm: number;
  etaMinutes: number;
  meetsSla: boolean;
}

/**
 * The window's plan: which technician each request gets, chosen to minimise the sum of ETAs plus, for every request
 * left unserved or served after its deadline, its miss and urgency. A request that can make its deadline is served
 * before one that cannot; among those that cannot, the most urgent (priority, waiting, lateness) first, so none starves.
 * Pairs beyond `maxRadiusKm` or declined by the technician are never planned. Returned in the order given.
 */
export function planBatch(
  requests: readonly BatchRequest[],
  technicians: readonly BatchTechnician[],
  now: Date,
  settings: { eta: EtaSettings; maxRadiusKm: number },
  weights: BatchWeights = defaultBatchWeights,
): PlannedMatch[] {
  if (requests.length === 0 || technicians.length === 0) return [];
  const n = requests.length;
  const m = technicians.length;
  const pairs = requests.map((r) =>
    technicians.map((t) => {
      const distanceKm = haversineKm(r.location, t.location);
      if (distanceKm > settings.maxRadiusKm || r.declinedBy.includes(t.id)) return undefined;
      const etaMinutes = etaFor(distanceKm, r.onMotorway, settings.eta);
      const onTime = meetsSla(now, etaMinutes + weights.slackMinutes, r.slaDeadline);
      if (!onTime && !weights.serveLate) return undefined;
      return { distanceKm, etaMinutes, meetsSla: onTime };
    }),
  );
  const unserved = requests.map((r) => unservedCost(r, now, weights));
  const miss = requests.map((r) => missCost(r, weights));
  // Not serving a request is always possible (one dummy column per request), so a forbidden pair costs more than that.
  const forbidden = Math.max(...unserved) * 4 + 1e6;
  const cost = requests.map((_, i) => [
    ...pairs[i]!.map((p) => (p ? p.etaMinutes + (p.meetsSla ? 0 : miss[i]!) : forbidden)),
    ...new Array<number>(n).fill(unserved[i]!),
  ]);
  const columns = minCostAssignment(cost);
  const plan: PlannedMatch[] = [];
  columns.forEach((j, i) => {
    if (j < 0 || j >= m) return;
    const pair = pairs[i]![j];
    if (!pair) return;
    plan.push({ requestId: requests[i]!.id, technicianId: technicians[j]!.id, ...pair });
  });
  return plan;
}

function missCost(r: BatchRequest, w: BatchWeights): number {
  return w.missBase + w.missPerPriority * (5 - r.priority);
}

/** Leaving a request unserved: it misses (or keeps missing), plus its urgency, which grows while it waits. */
function unservedCost(r: BatchRequest, now: Date, w: BatchWeights): number {
  const waited = Math.max(0, (now.getTime() - r.createdAt.getTime()) / 60_000);
  const late = Math.max(0, (now.getTime() - r.slaDeadline.getTime()) / 60_000);
  return missCost(r, w) + w.serveFloor + w.perPriority * (5 - r.priority) + w.waitWeight * waited + w.lateAging * late;
}
