// One simulated day on the embedded engines: the real intake, dispatch, redispatch, job steps, location reports and
// weather scaling, called in simulated-time order on a clock the simulation moves (the Clock port).
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { Conflict } from '#shared/domain/errors.js';
import type { Principal } from '#shared/domain/principal.js';
import { referenceFromBytes } from '#shared/domain/tracking.js';
import type { DispatchPolicy } from '#shared/ports/dispatcher.js';
import type { IdGenerator } from '#shared/ports/clock.js';
import type { Log } from '#shared/ports/logger.js';
import type { RegionForecast } from '#shared/domain/weather.js';
import { etaFor } from '#shared/domain/eta.js';
import type { BatchWeights } from '#shared/domain/batch-assignment.js';
import { haversineKm } from '#shared/domain/geo.js';
import { redispatch } from '#functions/dispatch/redispatch.js';
import { reportLocation, setTechnicianStatus } from '#functions/technicians/technician-presence.js';
import { runWeatherScaling } from '#functions/weather-scaling/weather-scaling.js';
import { allDeps, closeAllDeps, type AllDeps } from '../local/all-deps.js';
import { isolatedConfig, type SharedEngines } from '../local/isolated.js';
import { customerPhone } from '../bench/dataset.js';
import { seededRandom, type Breakdown, type Random, type SimTechnician } from './model.js';

export interface DayPlan {
  scenario: string;
  policy: DispatchPolicy;
  /** Label of the run: the policy, or e.g. 'batched+prescaling'. */
  label: string;
  seed: number;
  dayStart: Date;
  /** Simulated hours [from, to) in which calls arrive; the day then runs `drainHours` more with no new calls. */
  hours: { from: number; to: number };
  drainHours: number;
  calls: readonly Breakdown[];
  technicians: readonly SimTechnician[];
  /** What weather scaling's provider answers (the scenario's fixture as forecasts). */
  forecasts: RegionForecast[];
  regions: { name: string; lat: number; lon: number; demandWeight: number }[];
  windowSeconds: number;
  /** Minutes between an idle van's fixes (LOCATION_FRESH_MINUTES is set a minute above it). */
  fixEveryMinutes: number;
  declineShare: number;
  /** Batched cost weights to try instead of the service's defaults (SIM_BATCH_WEIGHTS, JSON, for tuning). */
  batchWeights?: BatchWeights;
  progress: (line: string) => void;
}

export interface CallOutcome {
  seq: number;
  id: string;
  region: string;
  priority: number;
  createdAt: number;
  deadline: number;
  onSiteAt?: number;
  /** Wall-clock milliseconds the intake use case took, and what it answered. */
  intakeMs: number;
  answered: 'assigned' | 'pending';
  awaitingBatch: boolean;
}

export interface DayResult {
  calls: CallOutcome[];
  /** Pending requests at each simulated minute from the first hour. */
  backlog: number[];
  busyMinutes: number;
  shiftMinutes: number;
  wallSeconds: number;
  endedAt: number;
}

const silentLog: Log = { info: () => {}, warn: () => {}, error: () => {} };

/** A random stream for one call and one van (FNV-1a of both, seeding mulberry32). */
function pairRandom(seed: number, seq: number, technicianId: string): Random {
  let h = 0x811c9dc5 ^ seed;
  for (const ch of `${seq}:${technicianId}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return seededRandom(h >>> 0);
}

/** A seeded IdGenerator: the same seed gives the same ids, so ties and orders repeat exactly. */
export function seededIds(random: Random): IdGenerator {
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(random() * 256));
  return {
    uuid: () => {
      const b = bytes(16);
      b[6] = (b[6]! & 0x0f) | 0x40;
      b[8] = (b[8]! & 0x3f) | 0x80;
      const h = Buffer.from(b).toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
    reference: () => referenceFromBytes(bytes(6)),
    trackingToken: () => Buffer.from(bytes(24)).toString('base64url'),
  };
}

type Event = { at: number; seq: number; kind: string; run: () => Promise<void> };

/** Wall milliseconds spent per kind of event (SIM_PROFILE=1 prints them): where a simulated day's time goes. */
export const profile = new Map<string, { n: number; ms: number }>();

/** A binary heap of events by time, then by insertion: the same inputs always run in the same order. */
class Agenda {
  private heap: Event[] = [];
  private next = 0;
  push(at: number, run: () => Promise<void>, kind = run.name || 'step') {
    const e = { at, seq: this.next++, kind, run };
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (before(h[p]!, e)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = e;
  }
  pop(): Event | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (!top || !last || h.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      const cand = (k: number) => (k < h.length && before(h[k]!, m === i ? last : h[m]!) ? k : m);
      m = cand(l);
      m = cand(r);
      if (m === i) break;
      h[i] = h[m]!;
      i = m;
    }
    h[i] = last;
    return top;
  }
}
const before = (a: Event, b: Event) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

interface TechState {
  plan: SimTechnician;
  principal: Principal;
  state: 'off' | 'idle' | 'working' | 'break';
  position: { lat: number; lon: number };
  onShift: boolean;
  breakTaken: boolean;
  silentUntil: number;
  busySince?: number;
}

export async function simulateDay(engines: SharedEngines, plan: DayPlan): Promise<DayResult> {
  const wallStart = performance.now();
  const minute = 60_000;
  const dayStart = plan.dayStart.getTime();
  const startAt = dayStart + plan.hours.from * 3_600_000;
  const endAt = dayStart + (plan.hours.to + plan.drainHours) * 3_600_000;
  let now = startAt;
  const clock = { now: () => new Date(now) };
  const config = await isolatedConfig(engines, {
    DISPATCH_POLICY: plan.policy,
    LOCATION_FRESH_MINUTES: String(plan.fixEveryMinutes + 1),
    DISPATCH_BUDGET_MS: '3000',
    INTAKE_LIMIT_PER_PHONE_HOUR: '100',
    WEATHER_REGIONS: JSON.stringify(plan.regions),
    DB_POOL_MAX: '4',
  });
  const deps: AllDeps = allDeps(config, {
    clock,
    ids: seededIds(seededRandom(plan.seed ^ 0x1d5)),
    log: silentLog,
    notifier: { send: async () => {} },
    scaler: { apply: async () => {} },
    weatherProvider: {
      name: 'simulation',
      hourlyForecasts: (regions, from) =>
        Promise.resolve(
          plan.forecasts
            .filter((f) => regions.some((r) => r.name === f.region))
            .map((f) => ({
              region: f.region,
              hours: f.hours.filter((h) => h.at.getTime() >= Math.floor(from.getTime() / 3_600_000) * 3_600_000),
            })),
        ),
    },
  });
  if (plan.batchWeights) deps.dispatch = Object.assign({}, deps.dispatch, { batchWeights: plan.batchWeights });
  const sql = new pg.Pool({ connectionString: config.database.url, max: 1 });
  const agenda = new Agenda();
  const calls = new Map<string, CallOutcome>();
  const backlog: number[] = [];
  const techs = new Map<string, TechState>();
  const seenOffers = new Set<string>();
  let busyMinutes = 0;
  let shiftMinutes = 0;

  try {
    for (const [i, t] of plan.technicians.entries()) {
      await sql.query(
        `INSERT INTO technicians (id, name, phone, home_base, home_latitude, home_longitude, van, is_test) VALUES ($1, $2, $3, $4, $5, $6, 'Ford Transit Custom', false)`,
        [t.id, `Sim${i} Technician`, customerPhone(900_000 + i), `${t.region} base`, t.home.lat, t.home.lon],
      );
      const state: TechState = {
        plan: t,
        principal: { subject: t.id, groups: ['technicians'] },
        state: 'off',
        position: t.home,
        onShift: false,
        breakTaken: false,
        silentUntil: 0,
      };
      techs.set(t.id, state);
      const shiftStart = Math.max(startAt, dayStart + t.shiftStart * 3_600_000);
      const shiftEnd = Math.min(endAt, dayStart + t.shiftEnd * 3_600_000);
      if (shiftEnd <= shiftStart) continue;
      shiftMinutes += (shiftEnd - shiftStart) / minute;
      agenda.push(shiftStart, () => startShift(state), 'shift');
      agenda.push(shiftEnd, () => endShift(state), 'shift');
      if (t.silentAfterMinutes !== undefined) {
        const from = dayStart + t.shiftStart * 3_600_000 + t.silentAfterMinutes * minute;
        if (from > shiftStart && from < shiftEnd)
          agenda.push(from, () => {
            state.silentUntil = from + t.silentMinutes * minute;
            agenda.push(state.silentUntil, () => backFromSilence(state));
            return Promise.resolve();
          });
      }
    }

    const fix = async (t: TechState) => {
      await reportLocation(deps, t.principal, t.plan.id, { ...t.position, recordedAt: new Date(now).toISOString() });
    };
    const status = async (t: TechState, s: 'available' | 'on_break' | 'offline') => {
      try {
        await setTechnicianStatus(deps, t.principal, t.plan.id, s);
        return true;
      } catch (error) {
        if (error instanceof Conflict) return false;
        throw error;
      }
    };
    const silent = (t: TechState) => now < t.silentUntil;

    async function startShift(t: TechState) {
      t.onShift = true;
      t.position = t.plan.home;
      if (silent(t)) return;
      await fix(t);
      if (await status(t, 'available')) t.state = 'idle';
      agenda.push(now + plan.fixEveryMinutes * minute, () => idleTick(t), 'fix');
    }
    async function endShift(t: TechState) {
      t.onShift = false;
      // A van mid-job finishes it first (complete() sends it offline then).
      if (t.state === 'idle' || t.state === 'break') {
        await status(t, 'offline');
        t.state = 'off';
      }
    }
    async function backFromSilence(t: TechState) {
      if (!t.onShift || t.state === 'working') return;
      await fix(t);
      // Redispatch set them offline if an offer lapsed while silent: the app comes back and they are available again.
      if (await status(t, 'available')) t.state = 'idle';
    }
    /** An idle van reports a fix every few minutes, takes its break when due, and stops reporting while silent. */
    async function idleTick(t: TechState) {
      if (!t.onShift || t.state === 'off') return;
      agenda.push(now + plan.fixEveryMinutes * minute, () => idleTick(t), 'fix');
      if (t.state !== 'idle' || silent(t)) return;
      const intoShift = (now - (dayStart + t.plan.shiftStart * 3_600_000)) / minute;
      if (!t.breakTaken && intoShift >= t.plan.breakAfterMinutes) {
        if (await status(t, 'on_break')) {
          t.breakTaken = true;
          t.state = 'break';
          agenda.push(now + 30 * minute, async () => {
            if (!t.onShift || t.state !== 'break') return;
            await fix(t);
            if (await status(t, 'available')) t.state = 'idle';
          });
          return;
        }
      }
      await fix(t);
    }

    const job = async (t: TechState, id: string, action: 'accept' | 'decline' | 'en-route' | 'arrived') => {
      try {
        await deps.applyJobAction(t.principal, id, action);
        return true;
      } catch (error) {
        // Reclaimed by redispatch (a late accept), or otherwise moved on: the van goes back to idle.
        if (error instanceof Conflict || (error as Error).name === 'Forbidden') return false;
        throw error;
      }
    };
    async function respond(t: TechState, id: string) {
      if (silent(t)) return;
      // Drawn from the call and the van, not from a shared stream: both policies see the same van decline the same
      // offer and drive it as fast, so their difference is the policy's, not the dice's.
      const draw = pairRandom(plan.seed, calls.get(id)!.seq, t.plan.id);
      if (draw() < plan.declineShare) {
        if (await job(t, id, 'decline')) t.state = t.onShift ? 'idle' : 'off';
        if (!t.onShift) await status(t, 'offline');
        return;
      }
      if (!(await job(t, id, 'accept'))) return;
      t.state = 'working';
      t.busySince = now;
      const call = calls.get(id)!;
      const breakdown = plan.calls[call.seq]!;
      // The drive: the ETA model's minutes without mobilisation, ± a lognormal 15 % (traffic, snow, a wrong turn).
      const drive = Math.max(
        1,
        (etaFor(haversineKm(t.position, breakdown.location), breakdown.onMotorway, deps.dispatch.eta) -
          deps.dispatch.eta.mobilisationMinutes) *
          Math.exp(0.15 * (Math.sqrt(-2 * Math.log(1 - draw())) * Math.cos(2 * Math.PI * draw()))),
      );
      const enRouteAt = now + deps.dispatch.eta.mobilisationMinutes * minute;
      agenda.push(enRouteAt, async function enRoute() {
        if (!(await job(t, id, 'en-route'))) return finishJob(t);
        agenda.push(enRouteAt + drive * minute, async function arrive() {
          t.position = breakdown.location;
          await fix(t);
          if (!(await job(t, id, 'arrived'))) return finishJob(t);
          agenda.push(now + breakdown.onSiteMinutes * minute, async function complete() {
            const request = await deps.requests.findById(id);
            await deps.applyJobAction(t.principal, id, 'complete', { arrivalCode: request!.arrivalCode! });
            await finishJob(t);
          });
        });
      });
    }
    async function finishJob(t: TechState) {
      if (t.busySince !== undefined) busyMinutes += (now - t.busySince) / minute;
      t.busySince = undefined;
      t.state = 'idle';
      await fix(t);
      if (!t.onShift) {
        await status(t, 'offline');
        t.state = 'off';
      }
    }

    /** Every simulated minute: new offers (each van answers within 15–90 s) and the backlog. */
    async function everyMinute() {
      const { rows } = await sql.query<{ id: string; technician_id: string | null; status: string; n: number }>(
        `SELECT id::text, technician_id, status::text, 0 AS n FROM emergency_requests WHERE status = 'assigned' AND accepted_at IS NULL
         UNION ALL SELECT '', NULL, 'pending', count(*)::int FROM emergency_requests WHERE status = 'pending'`,
      );
      for (const row of rows) {
        if (row.status === 'pending') {
          backlog.push(row.n);
          continue;
        }
        const key = `${row.id}:${row.technician_id}`;
        if (seenOffers.has(key)) continue;
        seenOffers.add(key);
        const t = techs.get(row.technician_id!);
        const call = calls.get(row.id);
        if (t && call)
          agenda.push(
            now + (15 + pairRandom(plan.seed + 1, call.seq, t.plan.id)() * 75) * 1000,
            () => respond(t, row.id),
            'respond',
          );
      }
      if (now + minute < endAt) agenda.push(now + minute, everyMinute);
    }

    let hourCalls = 0;
    for (const call of plan.calls) {
      agenda.push(call.at.getTime(), async function intake() {
        const input = {
          customer: { name: 'Sim Driver', phone: customerPhone(2000 + call.seq) },
          location: call.location,
          vehicle: { makeModel: 'Vauxhall Corsa' },
          issue: call.issue,
          safety: { onMotorway: call.onMotorway, vulnerableOccupants: call.vulnerableOccupants },
        };
        const started = performance.now();
        const accepted = await deps.createEmergency(input, {});
        const intakeMs = performance.now() - started;
        hourCalls++;
        const r = accepted.request;
        calls.set(r.id, {
          seq: call.seq,
          id: r.id,
          region: call.region,
          priority: r.priority,
          createdAt: r.createdAt.getTime(),
          deadline: r.slaDeadline.getTime(),
          intakeMs,
          answered: accepted.dispatch?.kind === 'assigned' ? 'assigned' : 'pending',
          awaitingBatch: accepted.dispatch?.kind === 'pending' && accepted.dispatch.reason === 'awaiting-batch',
        });
      });
    }
    for (let at = startAt; at < endAt; at += plan.windowSeconds * 1000)
      agenda.push(at + 1, async () => void (await redispatch(deps)), 'redispatch');
    for (let at = startAt; at < endAt; at += 15 * minute)
      agenda.push(at, async () => void (await runWeatherScaling(deps, { dryRun: false, reconcile: false })), 'weather');
    agenda.push(startAt + 2, everyMinute);
    for (let h = plan.hours.from + 1; h <= plan.hours.to + plan.drainHours; h++)
      agenda.push(dayStart + h * 3_600_000 - 1, async () => {
        const arrived = await sql.query<{ n: number; onTime: number }>(
          `SELECT count(*)::int AS n, count(*) FILTER (WHERE on_site_at <= sla_deadline)::int AS "onTime" FROM emergency_requests WHERE on_site_at IS NOT NULL`,
        );
        const { n, onTime } = arrived.rows[0]!;
        plan.progress(
          `${plan.scenario}/${plan.label} ${String(h % 24).padStart(2, '0')}:00  calls ${String(calls.size).padStart(4)} (+${hourCalls})  pending ${String(backlog.at(-1) ?? 0).padStart(3)}  arrived ${n} (${n ? Math.round((100 * onTime) / n) : 100} % on time)  ${Math.round((performance.now() - wallStart) / 1000)} s`,
        );
        hourCalls = 0;
      });

    for (let e = agenda.pop(); e && e.at < endAt; e = agenda.pop()) {
      now = Math.max(now, e.at);
      const t0 = performance.now();
      await e.run();
      const kind = e.kind;
      const p = profile.get(kind) ?? { n: 0, ms: 0 };
      p.n++;
      p.ms += performance.now() - t0;
      profile.set(kind, p);
    }
    for (const t of techs.values()) if (t.busySince !== undefined) busyMinutes += (endAt - t.busySince) / minute;

    const { rows } = await sql.query<{ id: string; on_site_at: Date | null }>(
      'SELECT id, on_site_at FROM emergency_requests',
    );
    for (const row of rows) {
      const call = calls.get(row.id);
      if (call && row.on_site_at) call.onSiteAt = row.on_site_at.getTime();
    }
  } finally {
    await sql.end();
    await closeAllDeps(deps);
  }
  return {
    calls: [...calls.values()].sort((a, b) => a.seq - b.seq),
    backlog,
    busyMinutes,
    shiftMinutes,
    wallSeconds: Math.round((performance.now() - wallStart) / 1000),
    endedAt: endAt,
  };
}
