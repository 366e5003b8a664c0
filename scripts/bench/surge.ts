// Part 5: surges. Search cost where supply has run out, a burst at one point in an exhausted city, and a backlog redispatch.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { makeHandler } from '#functions/intake/create.js';
import { randomIds } from '#shared/adapters/system.js';
import { allDeps, closeAllDeps, type AllDeps } from '../local/all-deps.js';
import { freshSince } from '#shared/domain/durations.js';
import type { GeoPoint } from '#shared/domain/emergency.js';
import { haversineKm } from '#shared/domain/geo.js';
import { hashTrackingToken } from '#shared/domain/tracking.js';
import type { SearchReport } from '#shared/ports/technician-index.js';
import { redispatch } from '#functions/dispatch/redispatch.js';
import { apiEvent, invoke, lambdaContext } from '../../tests/support/events.js';
import { seedTechnicianProfiles } from '../../tests/support/technicians.js';
import { isolatedConfig, type SharedEngines } from '../local/isolated.js';
import { britishPoints, customerPhone } from './dataset.js';
import { intakeBody } from './intake.js';
import { summarise, type LatencySummary } from './stats.js';

export interface SurgeOptions {
  fleet: number;
  burst: { technicians: number; requests: number };
  backlog: { pending: number; freed: number };
  log: (message: string) => void;
}

export interface EmptyRegionRow {
  point: string;
  lat: number;
  lon: number;
  found: number;
  queries: number;
  itemsRead: number;
  ms: number;
}

export interface SurgeResult {
  fleet: number;
  /** The largest number of Queries any single k = 5 search made, over every scenario. */
  maxQueriesPerSearch: number;
  emptyRegions: EmptyRegionRow[];
  burst: LatencySummary & { requests: number; technicians: number; statusCounts: Record<string, number>; assigned: number; pending: number; withToken: number; meanQueriesPerIntake: number; sqlStatementsPerIntake: number | null };
  backlog: { pending: number; freed: number; assigned: number; stillPending: number; areasSearched: number; ms: number };
  redispatchQueriesPerRun: number;
  /** Responses other than 201/202, and 201/202 without a tracking token, over every scenario: both must be 0. */
  failures: number;
}

const surgePoints: Record<string, GeoPoint> = {
  'Dense city, technicians free (City of London)': { lat: 51.5155, lon: -0.0922 },
  'City, every technician busy (Manchester)': { lat: 53.4808, lon: -2.2426 },
  'Rural England (Cambridgeshire fens)': { lat: 52.45, lon: 0.05 },
  'Empty Highlands (57.5, −5.5)': { lat: 57.5, lon: -5.5 },
  'Shetland (Lerwick)': { lat: 60.155, lon: -1.145 },
  'Nobody within range (St Kilda)': { lat: 57.81, lon: -8.58 },
};

/** Wraps the index so every search's report is kept, as the benchmark wraps dynamodb-geo's client. */
function measuredSearches(deps: AllDeps): { deps: AllDeps; searches: SearchReport[] } {
  const searches: SearchReport[] = [];
  const real = deps.technicians;
  const technicians = Object.assign(Object.create(Object.getPrototypeOf(real) as object) as AllDeps['technicians'], real, {
    nearestDispatchable: async (...args: Parameters<AllDeps['technicians']['nearestDispatchable']>) => {
      const result = await real.nearestDispatchable(...args);
      searches.push(result.report);
      return result;
    },
  });
  return { deps: { ...deps, technicians }, searches };
}

/** Resolves once `activity` has not moved for a second (at most 30 s): background work has finished. */
async function settled(activity: () => number): Promise<void> {
  const until = Date.now() + 30_000;
  let last = activity();
  while (Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const now = activity();
    if (now === last) return;
    last = now;
  }
}

/** Counts statements the pool runs (BEGIN/COMMIT included): what an intake costs PostgreSQL in round trips. */
function countStatements(pool: pg.Pool): { count: () => number } {
  let n = 0;
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...a: unknown[]) => unknown;
    (client as unknown as { query: (...a: unknown[]) => unknown }).query = (...a: unknown[]) => {
      n++;
      return query(...a);
    };
  });
  return { count: () => n };
}

async function seedFleet(deps: AllDeps, config: { database: { url?: string } }, fleet: { id: string; location: GeoPoint }[], at: Date) {
  const sql = new pg.Pool({ connectionString: config.database.url, max: 2 });
  try {
    await seedTechnicianProfiles({ sql }, fleet.map((t) => t.id));
  } finally {
    await sql.end();
  }
  for (let i = 0; i < fleet.length; i += 16) {
    await Promise.all(
      fleet.slice(i, i + 16).map(async (t) => {
        await deps.technicians.recordLocation(t.id, { location: t.location, recordedAt: at });
        await deps.technicians.setAvailability(t.id, 'available');
      }),
    );
  }
}

/** Everyone within `km` of the point is busy on some other job: supply there has run out. */
async function exhaust(deps: AllDeps, fleet: { id: string; location: GeoPoint }[], point: GeoPoint, km: number, at: Date) {
  const fresh = freshSince(at, deps.dispatch.freshMinutes);
  const near = fleet.filter((t) => haversineKm(point, t.location) <= km);
  await Promise.all(near.map((t) => deps.technicians.claim(t.id, `surge-busy-${t.id}`, at, fresh)));
  return near.length;
}

export async function benchSurge(engines: SharedEngines, options: SurgeOptions): Promise<SurgeResult> {
  const { log } = options;
  let failures = 0;
  let maxQueries = 0;

  // 1. Empty regions: the national fleet, with supply exhausted around Manchester, the Highlands, Shetland and St Kilda.
  const config = await isolatedConfig(engines, { LOCATION_FRESH_MINUTES: '60' });
  const base = allDeps(config);
  const now = new Date();
  const fleet = britishPoints(options.fleet, 4343).map((location, i) => ({ id: `surge-tech-${String(i).padStart(5, '0')}`, location }));
  const emptyRegions: EmptyRegionRow[] = [];
  try {
    log(`surge: seeding ${options.fleet} technicians`);
    await seedFleet(base, config, fleet, now);
    await exhaust(base, fleet, surgePoints['City, every technician busy (Manchester)']!, 40, now);
    await exhaust(base, fleet, surgePoints['Empty Highlands (57.5, −5.5)']!, 100, now);
    await exhaust(base, fleet, surgePoints['Shetland (Lerwick)']!, 60, now);
    await exhaust(base, fleet, surgePoints['Nobody within range (St Kilda)']!, 160, now);
    for (const [name, point] of Object.entries(surgePoints)) {
      const t0 = performance.now();
      const { found, report } = await base.technicians.nearestDispatchable(point, { k: 5, maxRadiusKm: config.dispatch.maxRadiusKm, freshSince: freshSince(now, 60) });
      emptyRegions.push({ point: name, ...point, found: found.length, queries: report.queries, itemsRead: report.itemsRead, ms: Math.round((performance.now() - t0) * 10) / 10 });
      maxQueries = Math.max(maxQueries, report.queries);
    }
  } finally {
    await closeAllDeps(base);
  }

  // 2. Exhausted city: 40 technicians around one point, then 100 simultaneous intakes there (each with its own key).
  const burstConfig = await isolatedConfig(engines, { DB_POOL_MAX: '50' });
  const burstBase = allDeps(burstConfig);
  const statements = countStatements(burstBase.pool);
  const burst = measuredSearches(burstBase);
  const city = surgePoints['Dense city, technicians free (City of London)']!;
  const around = britishPoints(options.burst.technicians * 50, 99)
    .map((p) => ({ lat: city.lat + (p.lat - 53) * 0.02, lon: city.lon + (p.lon + 2) * 0.03 }))
    .slice(0, options.burst.technicians)
    .map((location, i) => ({ id: `burst-tech-${i}`, location }));
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  let withToken = 0;
  let assigned = 0;
  let burstResult: SurgeResult['burst'] | undefined;
  try {
    await seedFleet(burstBase, burstConfig, around, new Date());
    const handler = makeHandler(burst.deps);
    const before = statements.count();
    log(`surge: ${options.burst.requests} simultaneous intakes at one point, ${options.burst.technicians} technicians`);
    await Promise.all(
      Array.from({ length: options.burst.requests }, async (_, i) => {
        const t0 = performance.now();
        const answer = await invoke(handler, apiEvent({ method: 'POST', path: '/emergencies', body: intakeBody(900_000 + i, city), headers: { 'Idempotency-Key': randomUUID() } }), lambdaContext('surge', 120_000));
        latencies.push(performance.now() - t0);
        statusCounts[answer.status] = (statusCounts[answer.status] ?? 0) + 1;
        const ok = answer.status === 201 || answer.status === 202;
        const token = typeof answer.body?.trackingToken === 'string' && answer.body.trackingToken.length >= 32;
        if (ok && token) withToken++;
        else failures++;
        if (answer.body?.status === 'assigned') assigned++;
      }),
    );
    const sqlPerIntake = (statements.count() - before) / options.burst.requests;
    for (const s of burst.searches) maxQueries = Math.max(maxQueries, s.queries);
    const queries = burst.searches.reduce((sum, s) => sum + s.queries, 0);
    burstResult = {
      ...summarise(latencies),
      requests: options.burst.requests,
      technicians: options.burst.technicians,
      statusCounts,
      assigned,
      pending: options.burst.requests - assigned,
      withToken,
      meanQueriesPerIntake: Math.round((queries / options.burst.requests) * 10) / 10,
      sqlStatementsPerIntake: Math.round(sqlPerIntake * 10) / 10,
    };
    // Dispatches still running when their budget ran out go on after the answers (as in a live container): let them
    // finish before the pool closes under them, or they fail with "Cannot use a pool after calling end on the pool".
    await settled(() => statements.count() + burst.searches.length);
  } finally {
    await closeAllDeps(burstBase);
  }

  // 3. Backlog: 200 pending requests where supply ran out, a few technicians free up, one redispatch run.
  const backlogConfig = await isolatedConfig(engines);
  const backlogBase = allDeps(backlogConfig);
  const backlog = measuredSearches(backlogBase);
  let backlogResult: SurgeResult['backlog'] | undefined;
  let redispatchQueries = 0;
  try {
    const createdAt = new Date();
    const sql = new pg.Pool({ connectionString: backlogConfig.database.url, max: 2 });
    try {
      for (let i = 0; i < options.backlog.pending; i++) {
        const location = { lat: city.lat + ((i % 20) - 10) * 0.004, lon: city.lon + (Math.floor(i / 20) - 5) * 0.006 };
        const body = intakeBody(950_000 + i, location);
        await sql.query(
          `INSERT INTO emergency_requests (id, reference, customer_name, phone, latitude, longitude, geohash, vehicle_make_model, issue, on_motorway, vulnerable_occupants, priority, created_at, sla_deadline, tracking_token_hash)
           VALUES ($1, $2, $3, $4, $5, $6, 'gcpvj0000', $7, $8, false, false, $9, $10, $11, $12)`,
          [randomUUID(), randomIds.reference(), body.customer.name, customerPhone(950_000 + i), location.lat, location.lon, body.vehicle.makeModel, body.issue, 1 + (i % 3), new Date(createdAt.getTime() - (i % 30) * 60_000), new Date(createdAt.getTime() + 60 * 60_000), hashTrackingToken(randomIds.trackingToken())],
        );
      }
    } finally {
      await sql.end();
    }
    const freed = around.slice(0, options.backlog.freed).map((t) => ({ ...t, id: `backlog-${t.id}` }));
    await seedFleet(backlogBase, backlogConfig, freed, new Date());
    log(`surge: one redispatch run over ${options.backlog.pending} pending, ${options.backlog.freed} technicians free`);
    const t0 = performance.now();
    const report = await redispatch(backlog.deps);
    redispatchQueries = backlog.searches.reduce((sum, s) => sum + s.queries, 0);
    for (const s of backlog.searches) maxQueries = Math.max(maxQueries, s.queries);
    if (report.searchQueries !== redispatchQueries) throw new Error(`redispatch reported ${report.searchQueries} Queries, the index counted ${redispatchQueries}`);
    backlogResult = { pending: options.backlog.pending, freed: options.backlog.freed, assigned: report.assigned, stillPending: report.stillPending, areasSearched: report.areasSearched, ms: Math.round(performance.now() - t0) };
  } finally {
    await closeAllDeps(backlogBase);
  }

  return { fleet: options.fleet, maxQueriesPerSearch: maxQueries, emptyRegions, burst: burstResult, backlog: backlogResult, redispatchQueriesPerRun: redispatchQueries, failures };
}
