// The hindsight bound: an LP relaxation (HiGHS) of the most calls any dispatcher knowing the whole day could reach in time.
import { createRequire } from 'node:module';
import type { Highs } from 'highs';
import { haversineKm } from '#shared/domain/geo.js';
import { etaFor, type EtaSettings } from '#shared/domain/eta.js';
import type { Breakdown, SimTechnician } from './model.js';

// A CommonJS module whose types declare an ES default export: under NodeNext the default import is the namespace.
const highsLoader = createRequire(import.meta.url)('highs') as () => Promise<Highs>;

export interface BoundInput {
  calls: readonly Breakdown[];
  technicians: readonly SimTechnician[];
  regions: readonly { name: string; lat: number; lon: number }[];
  dayStart: Date;
  /** The simulated span (ms since epoch): shifts are clipped to it. */
  startAt: number;
  endAt: number;
  slaMinutes: number;
  mobilisationMinutes: number;
  eta: EtaSettings;
  /** Grid of the capacity intervals, and the longest interval written as a constraint. */
  gridMinutes?: number;
  maxIntervalHours?: number;
}

export interface Bound {
  /** Calls the relaxation reaches within the SLA, and as a share of all calls. */
  onTime: number;
  slaCompliance: number;
  constraints: number;
  solveMs: number;
  /** The same bound with the vans pre-scaling called in (the batched+prescaling run's own bound). */
  withPrescaling?: number;
}

/**
 * Regions closer than this share vans in the bound (a van in Leeds can reach Manchester in time); further apart they
 * never do, because dispatch looks no further than 150 km and calls stay near their region's centre.
 */
const poolingKm = 160;

/**
 * Maximise Σ x_c (x_c ∈ [0, 1]: call c reached within its SLA) subject to, for each pool of regions and each interval I
 * on a grid: the work of the calls whose on-time window lies inside I (mobilisation, the least drive, on-site minutes)
 * fits in the van-minutes the pool's shifts put inside I. Every schedule that reaches calls in time satisfies these
 * constraints (a reached call's work lies in [call, deadline + on-site]), so the optimum is an upper bound on any
 * dispatcher's on-time calls, hindsight included. It is loose: it lets vans drive only from the nearest place any van could be, take no breaks, never go
 * silent or decline, and split their minutes between calls.
 */
export async function hindsightBound(input: BoundInput): Promise<Bound> {
  const started = performance.now();
  const grid = (input.gridMinutes ?? 15) * 60_000;
  const maxInterval = (input.maxIntervalHours ?? 8) * 3_600_000;
  const pools = poolsOf(input.regions);
  const lines: string[] = [];
  const objective: string[] = [];
  let constraints = 0;
  const calls = input.calls.map((c, i) => ({
    i,
    pool: pools.get(c.region)!,
    from: c.at.getTime(),
    to: c.at.getTime() + (input.slaMinutes + c.onSiteMinutes) * 60_000,
    work: Math.round((input.mobilisationMinutes + leastDrive(input, c) + c.onSiteMinutes) * 10) / 10,
  }));
  for (const c of calls) objective.push(`x${c.i}`);
  const shifts = input.technicians.map((t) => ({
    pool: pools.get(t.region)!,
    from: Math.max(input.startAt, input.dayStart.getTime() + t.shiftStart * 3_600_000),
    to: Math.min(input.endAt, input.dayStart.getTime() + t.shiftEnd * 3_600_000),
  }));
  for (const pool of new Set(pools.values())) {
    const mine = calls.filter((c) => c.pool === pool);
    const vans = shifts.filter((s) => s.pool === pool && s.to > s.from);
    for (let u = input.startAt; u < input.endAt; u += grid) {
      for (let v = u + grid; v <= input.endAt + grid && v - u <= maxInterval; v += grid) {
        const inside = mine.filter((c) => c.from >= u && c.to <= v);
        if (inside.length === 0) continue;
        const capacity =
          vans.reduce((sum, s) => sum + Math.max(0, Math.min(v, s.to) - Math.max(u, s.from)), 0) / 60_000;
        lines.push(` c${constraints++}: ${inside.map((c) => `${c.work} x${c.i}`).join(' + ')} <= ${capacity}`);
      }
    }
  }
  const lp = [
    'Maximize',
    ` obj: ${objective.join(' + ') || '0 x0'}`,
    'Subject To',
    ...(lines.length ? lines : [' c0: x0 <= 1']),
    'Bounds',
    ...calls.map((c) => ` 0 <= x${c.i} <= 1`),
    'End',
  ].join('\n');
  const highs = await highsLoader();
  const solution = highs.solve(lp, {});
  if (solution.Status !== 'Optimal') throw new Error(`hindsight bound: HiGHS says ${solution.Status}`);
  const onTime = calls.length ? solution.ObjectiveValue : 0;
  return {
    onTime: Math.round(onTime * 10) / 10,
    slaCompliance: calls.length ? onTime / calls.length : 1,
    constraints,
    solveMs: Math.round(performance.now() - started),
  };
}

/**
 * The least driving a van reaching this call can have done: from the nearest place a van can come from (a home base,
 * or any other call), by the ETA model, at 0.4× its minutes: the simulation's traffic noise (a lognormal, σ 0.15)
 * takes more off only six standard deviations out, about once in a billion drives, so the bound stays an upper bound.
 */
function leastDrive(input: BoundInput, call: Breakdown): number {
  let km = Infinity;
  for (const t of input.technicians) km = Math.min(km, haversineKm(t.home, call.location));
  for (const other of input.calls) if (other !== call) km = Math.min(km, haversineKm(other.location, call.location));
  if (!Number.isFinite(km)) return 0;
  return 0.4 * (etaFor(km, call.onMotorway, input.eta) - input.eta.mobilisationMinutes);
}

/** Regions joined when their centres are within poolingKm of each other (transitively). */
function poolsOf(regions: readonly { name: string; lat: number; lon: number }[]): Map<string, number> {
  const pool = new Map(regions.map((r, i) => [r.name, i]));
  for (const a of regions)
    for (const b of regions) {
      if (haversineKm(a, b) > poolingKm) continue;
      const [pa, pb] = [pool.get(a.name)!, pool.get(b.name)!];
      if (pa === pb) continue;
      for (const [name, p] of pool) if (p === pb) pool.set(name, pa);
    }
  return pool;
}
