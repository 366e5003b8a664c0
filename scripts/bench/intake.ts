// Parts 1 and 4: POST /emergencies invoked in-process on the embedded engines (dispatch included), its I/O floor, and a 5× spike.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import ngeohash from 'ngeohash';
import pg from 'pg';
import { intakeWeatherCache, makeHandler } from '#functions/intake/create.js';
import { makeDocumentClient, makeDynamoClient } from '#shared/adapters/dynamodb/client.js';
import { dispatchableIndex, DynamoTechnicianIndex } from '#shared/adapters/dynamodb/technician-index.js';
import { partitionOf } from '#shared/domain/geo.js';
import { makePool } from '#shared/adapters/postgres/pool.js';
import { randomIds } from '#shared/adapters/system.js';
import type { Config } from '../config.js';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoWeatherLevelReader } from '#shared/adapters/dynamodb/weather-level.js';
import { systemClock } from '#shared/adapters/system.js';
import { closeAllDeps, allDeps, type AllDeps } from '../local/all-deps.js';
import type { GeoPoint } from '#shared/domain/emergency.js';
import { hashTrackingToken } from '#shared/domain/tracking.js';
import { apiEvent, invoke, lambdaContext, type Response } from '../../tests/support/events.js';
import { seedTechnicianProfiles } from '../../tests/support/technicians.js';
import { isolatedConfig, type SharedEngines } from '../local/isolated.js';
import { britishPoints, customerPhone } from './dataset.js';
import { closedLoop, type LoadResult } from './load.js';
import { engineCpu, engineCpuPerRequest, type EngineCpu } from './process-cpu.js';
import { ratio, summarise, type LatencySummary } from './stats.js';

const issues = ['puncture', 'flat', 'blowout', 'damaged_wheel', 'valve', 'locking_wheel_nut', 'other'] as const;
const seeds = { fleet: 4242, requests: 777 };
const context = () => lambdaContext('tyrehero-dispatch-bench-createEmergency');

type Answer = Response<{ id: string; status: string; technician?: { id: string } }>;

/** A request body like the customer app sends; every one from a different phone, so each is a real intake (no 409). */
export function intakeBody(seq: number, location: GeoPoint) {
  return {
    customer: { name: 'Siân Jones', phone: customerPhone(seq) },
    location: { lat: location.lat, lon: location.lon },
    vehicle: { makeModel: 'Ford Focus', registration: 'AB12 CDE' },
    issue: issues[seq % issues.length]!,
    safety: { onMotorway: seq % 5 === 0, vulnerableOccupants: seq % 11 === 0 },
    notes: 'Benchmark request: nearside front tyre',
  };
}

/** A seeded fleet on one private database and set of tables, and one deps per simulated Lambda container. */
export class IntakeRig {
  private readonly containers: { deps: AllDeps; handler: ReturnType<typeof makeHandler> }[] = [];
  private readonly floorWorkers: { pool: pg.Pool; dynamo: ReturnType<typeof makeDynamoClient>; documents: ReturnType<typeof makeDocumentClient>; index: DynamoTechnicianIndex }[] = [];
  private readonly points: GeoPoint[];
  private nextPhone = 0;
  private fleet: { id: string; location: GeoPoint }[] = [];
  assigned = 0;
  pending = 0;
  private readonly held: { worker: number; technicianId: string; requestId: string }[] = [];
  private readonly heldByFloor: { worker: number; technicianId: string; requestId: string }[] = [];
  /** DynamoDB calls the containers made, by command (the benchmark's own releases included: see dynamoCallsPerIntake). */
  dynamoCalls: Record<string, number> = {};

  private constructor(readonly config: Config) {
    this.points = britishPoints(60_000, seeds.requests);
  }

  static async start(engines: SharedEngines, fleetSize: number, log: (m: string) => void): Promise<IntakeRig> {
    const rig = new IntakeRig(await isolatedConfig(engines));
    const fleet = britishPoints(fleetSize, seeds.fleet).map((location, i) => ({ id: `bench-tech-${String(i).padStart(5, '0')}`, location }));
    log(`seeding ${fleetSize} available technicians`);
    const sql = new pg.Pool({ connectionString: rig.config.database.url, max: 2 });
    try {
      await seedTechnicianProfiles({ sql }, fleet.map((t) => t.id));
    } finally {
      await sql.end();
    }
    rig.fleet = fleet;
    await rig.reportFleet(true);
    return rig;
  }

  /**
   * Every technician reports a fix now, as the van app does every 30 s, untimed and outside the containers' counted
   * clients. A fix older than LOCATION_FRESH_MINUTES (2) is never dispatched, and a run on a loaded machine takes longer
   * than that: without this, later blocks would measure intakes that find nobody.
   */
  async reportFleet(firstTime = false): Promise<void> {
    const seeder = allDeps(this.config);
    const recordedAt = new Date();
    try {
      const reported = await closedLoop({
        concurrency: 16,
        total: this.fleet.length,
        run: async (_worker, seq) => {
          const t = this.fleet[seq]!;
          await seeder.technicians.recordLocation(t.id, { location: t.location, recordedAt });
          if (firstTime) await seeder.technicians.setAvailability(t.id, 'available');
        },
      });
      if (reported.errors) throw new Error(`technicians' fixes failed: ${JSON.stringify(reported.errorKinds)}`);
    } finally {
      await closeAllDeps(seeder);
    }
  }

  /** Container `i`, created on first use: its first request opens its own connection, as a new Lambda container's does. */
  container(i: number) {
    while (this.containers.length <= i) {
      // As createEmergency composes it: the weather level read at most once a minute per container.
      const base = allDeps(this.config);
      const deps = { ...base, weather: new DynamoWeatherLevelReader(DynamoDBDocumentClient.from(base.dynamo), this.config.tables.scalingState, intakeWeatherCache(systemClock)) };
      // Every DynamoDB call goes through this client (document client, idempotency store and all), so it counts them all.
      deps.dynamo.middlewareStack.add(
        (next, context) => (args) => {
          this.dynamoCalls[context.commandName ?? 'unknown'] = (this.dynamoCalls[context.commandName ?? 'unknown'] ?? 0) + 1;
          return next(args);
        },
        { step: 'initialize', name: 'benchCallCounter' },
      );
      this.containers.push({ deps, handler: makeHandler(deps) });
    }
    return this.containers[i]!;
  }

  point(seq: number): GeoPoint {
    return this.points[seq % this.points.length]!;
  }

  /**
   * Sends requests as `concurrency` containers; each assigned technician is freed afterwards, untimed, as finishing a
   * job would. `releases: 'later'` leaves them to releaseHeld(), called untimed after the load (part 1): a release is no part of
   * an intake, and on a saturated machine doing it between intakes put its DynamoDB and node CPU into the intakes'
   * latency, which the floor never pays. Part 4 (a spike of unknown length) frees them as it goes.
   */
  load(concurrency: number, limit: { total?: number; durationMs?: number }, releases: 'as-it-goes' | 'later' = 'as-it-goes'): Promise<LoadResult> {
    return closedLoop<Answer>({
      concurrency,
      ...limit,
      run: (worker) => {
        const seq = this.nextPhone++;
        const event = apiEvent({ method: 'POST', path: '/emergencies', headers: { 'Idempotency-Key': randomUUID() }, body: intakeBody(seq, this.point(seq)) });
        return invoke(this.container(worker).handler, event, context());
      },
      check: (answer) => (answer.status === 201 ? undefined : `HTTP ${answer.status}`),
      after: async (worker, answer) => {
        if (answer.body?.technician) {
          this.assigned++;
          if (releases === 'later') this.held.push({ worker, technicianId: answer.body.technician.id, requestId: answer.body.id });
          else await this.container(worker).deps.technicians.release(answer.body.technician.id, answer.body.id);
        } else if (answer.status === 201) this.pending++;
      },
    });
  }

  /** Frees the technicians a load with `releases: 'later'` left assigned, through the containers' own clients. */
  async releaseHeld(): Promise<void> {
    const held = this.held.splice(0);
    const released = await closedLoop({
      concurrency: 16,
      total: held.length,
      run: (_worker, seq) => this.container(held[seq]!.worker).deps.technicians.release(held[seq]!.technicianId, held[seq]!.requestId),
    });
    if (released.errors) throw new Error(`releasing technicians failed: ${JSON.stringify(released.errorKinds)}`);
  }

  /** The least any intake must do: one INSERT of the same row and one DynamoDB Query of a precision-5 dispatch cell, per container. */
  async floor(concurrency: number, total: number): Promise<LoadResult> {
    return await closedLoop({ concurrency, total, run: async (worker, seq) => void (await this.floorOperation(worker, seq)) });
  }

  /**
   * The round trips no intake can skip, and nothing else: the floor's INSERT and Query, then the claim of a technician
   * (the conditional UpdateItem that takes them out of the index) and the assignment UPDATE (its audit row included).
   * What an intake costs beyond this is validation, the duplicate, rate and key checks, the SMS record, the kept
   * answer, further Queries, logging and metrics. Claimed technicians are freed by releaseIrreducible(), untimed.
   */
  async irreducible(concurrency: number, total: number): Promise<LoadResult> {
    return await closedLoop({
      concurrency,
      total,
      run: async (worker, seq) => {
        const { id, technicianId, now } = await this.floorOperation(worker, seq);
        const fresh = new Date(now.getTime() - 600_000);
        const { index, pool } = this.floorWorkers[worker]!;
        // Nobody in the request's cell (a sparse area): a fleet technician's claim, which may fail, is still the round trip.
        const candidate = technicianId ?? this.fleet[seq % this.fleet.length]!.id;
        if (await index.claim(candidate, id, now, fresh)) this.heldByFloor.push({ worker, technicianId: candidate, requestId: id });
        await pool.query(
          `UPDATE emergency_requests SET status = 'assigned', technician_id = $2, assigned_at = $3, eta = $4, sla_at_risk = false
            WHERE id = $1 AND status = 'pending'`,
          [id, candidate, now, new Date(now.getTime() + 30 * 60_000)],
        );
      },
    });
  }

  /** Frees what irreducible() claimed, through the floor workers' own clients (so no intake's call count includes it). */
  async releaseIrreducible(): Promise<void> {
    const held = this.heldByFloor.splice(0);
    const released = await closedLoop({
      concurrency: 16,
      total: held.length,
      run: (_worker, seq) => this.floorWorkers[held[seq]!.worker]!.index.release(held[seq]!.technicianId, held[seq]!.requestId),
    });
    if (released.errors) throw new Error(`releasing technicians failed: ${JSON.stringify(released.errorKinds)}`);
  }

  /** The floor's INSERT and Query through worker's own clients; the first technician the Query found, if any. */
  private async floorOperation(worker: number, seq: number): Promise<{ id: string; technicianId?: string; now: Date }> {
    // Kept across blocks like the intake containers, so after the warm-up no timed floor operation includes connecting
    // (new clients per block put 16 connection set-ups into every block's tail, which flattered the ratio).
    while (this.floorWorkers.length <= worker) {
      const dynamo = makeDynamoClient(this.config);
      const documents = makeDocumentClient(dynamo);
      this.floorWorkers.push({ pool: makePool(this.config.database), dynamo, documents, index: new DynamoTechnicianIndex(documents, this.config.tables.locations) });
    }
    const { pool, documents } = this.floorWorkers[worker]!;
    const point = this.point(seq);
    const body = intakeBody(seq, point);
    const now = new Date();
    const id = randomUUID();
    await pool.query(
      `INSERT INTO emergency_requests (id, reference, customer_name, phone, latitude, longitude, geohash, address, postcode,
         vehicle_make_model, vehicle_registration, issue, on_motorway, vulnerable_occupants, notes, priority,
         created_at, sla_deadline, tracking_token_hash, is_test)
       VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, $8, $9, $10, $11, $12, $13, 2, $14, $15, $16, false)`,
      [
        id, randomIds.reference(), body.customer.name, `+4475${String(seq).padStart(8, '0')}`, point.lat, point.lon,
        ngeohash.encode(point.lat, point.lon, 9), body.vehicle.makeModel, body.vehicle.registration, body.issue,
        body.safety.onMotorway, body.safety.vulnerableOccupants, body.notes, now, new Date(now.getTime() + 90 * 60_000),
        hashTrackingToken(randomIds.trackingToken()),
      ],
    );
    const { Items } = await documents.send(
      new QueryCommand({
        TableName: this.config.tables.locations,
        IndexName: dispatchableIndex,
        // One Query of the request's precision-5 cell: the smallest read a search can make.
        KeyConditionExpression: 'dispatchCell = :cell AND begins_with(dispatchKey, :prefix)',
        FilterExpression: 'recordedAt >= :fresh',
        ExpressionAttributeValues: {
          ':cell': partitionOf(ngeohash.encode(point.lat, point.lon, 9)),
          ':prefix': ngeohash.encode(point.lat, point.lon, 5),
          ':fresh': new Date(now.getTime() - 600_000).toISOString(),
        },
      }),
    );
    const first = Items?.[0]?.technicianId;
    return { id, now, ...(typeof first === 'string' ? { technicianId: first } : {}) };
  }

  /** Closes every container and floor worker, so the next load starts from none, as after Lambda reclaimed them. */
  async close(): Promise<void> {
    for (const c of this.containers.splice(0)) await closeAllDeps(c.deps);
    for (const w of this.floorWorkers.splice(0)) {
      await w.pool.end();
      w.dynamo.destroy();
    }
  }
}

export interface IntakeOptions {
  requests: number;
  concurrency: number;
  fleet: number;
  /** Floor and intake alternate in this many blocks, so a change in background load hits both alike. */
  blocks: number;
  log: (message: string) => void;
}

export interface IntakeResult {
  requests: number;
  concurrency: number;
  fleet: number;
  intake: LatencySummary & { errors: number; errorKinds: Record<string, number>; throughput: number; assigned: number; pending: number };
  floor: LatencySummary & { errors: number };
  /** Mean DynamoDB calls per intake by command, without the benchmark's release of each assigned technician. */
  dynamoCallsPerIntake: Record<string, number>;
  /** intake p95 ÷ floor p95. */
  p95OverFloor: number | null;
  /** The round trips no intake can skip, timed alone (IntakeRig.irreducible): where the ratio would be with nothing else. */
  irreducible: LatencySummary & { errors: number };
  /** irreducible p95 ÷ floor p95: the least the intake's ratio could be with its four round trips. */
  irreducibleP95OverFloor: number | null;
  /**
   * This process's CPU (user + system) while the timed intakes / floor operations ran, per request, in ms: on a saturated
   * machine the ratio follows CPU per request, and this moves far less with background load than p95 does. It includes
   * the benchmark's own work in those windows (building events, releasing technicians) and the SDK clients' I/O.
   */
  nodeCpuMsPerRequest?: { intake: number; floor: number; irreducible: number };
  /** The engines' CPU (PostgreSQL's processes, DynamoDB Local's JVM) in the same windows, per request, in ms (Linux only). */
  engineCpuMsPerRequest?: { intake?: Record<string, number>; floor?: Record<string, number>; irreducible?: Record<string, number> };
}

type Timed = 'intake' | 'floor' | 'irreducible';

export function dynamoCallsPerIntake(calls: Record<string, number>, releases: number, intakes: number): Record<string, number> {
  const perIntake: Record<string, number> = {};
  for (const [command, n] of Object.entries(calls)) {
    const own = command === 'UpdateItemCommand' ? n - releases : n;
    if (own > 0) perIntake[command] = Math.round((own / intakes) * 100) / 100;
  }
  return perIntake;
}

export async function benchIntake(rig: IntakeRig, options: IntakeOptions): Promise<IntakeResult> {
  try {
    // Warm every container (connection open, code paths compiled): cold starts are part 3's subject, not this one's.
    await rig.load(options.concurrency, { total: options.concurrency * 3 });
    await rig.floor(options.concurrency, options.concurrency * 3);
    rig.assigned = rig.pending = 0;
    rig.dynamoCalls = {};
    const intake: LoadResult[] = [];
    const floor: LoadResult[] = [];
    const irreducible: LoadResult[] = [];
    const cpu = { intake: 0, floor: 0, irreducible: 0 };
    const engines: Record<Timed, EngineCpu> = { intake: {}, floor: {}, irreducible: {} };
    const profiler = process.env.BENCH_INTAKE_PROFILE ? new Session() : undefined;
    profiler?.connect();
    await profiler?.post('Profiler.enable');
    const timedCpu = async <T>(kind: Timed, run: () => Promise<T>): Promise<T> => {
      if (kind === 'intake') await profiler?.post('Profiler.start');
      const before = process.cpuUsage();
      const enginesBefore = engineCpu();
      try {
        return await run();
      } finally {
        const used = process.cpuUsage(before);
        cpu[kind] += (used.user + used.system) / 1000;
        const enginesAfter = engineCpu();
        for (const [name, seconds] of Object.entries(enginesAfter ?? {})) engines[kind][name] = (engines[kind][name] ?? 0) + seconds - (enginesBefore?.[name] ?? 0);
        if (kind === 'intake' && profiler) {
          // BENCH_INTAKE_PROFILE=prefix: a V8 CPU profile of each block's timed intakes, for Chrome DevTools or speedscope.
          const { profile } = await profiler.post('Profiler.stop');
          writeFileSync(`${process.env.BENCH_INTAKE_PROFILE}-${Object.keys(cpu).length}-${Date.now()}.cpuprofile`, JSON.stringify(profile));
        }
      }
    };
    const perBlock = Math.ceil(options.requests / options.blocks);
    for (let block = 0; block < options.blocks; block++) {
      options.log(`intake: block ${block + 1}/${options.blocks} (${perBlock} floor operations, ${perBlock} irreducible intakes, then ${perBlock} intakes at concurrency ${options.concurrency})`);
      floor.push(await timedCpu('floor', () => rig.floor(options.concurrency, perBlock)));
      irreducible.push(await timedCpu('irreducible', () => rig.irreducible(options.concurrency, perBlock)));
      await rig.releaseIrreducible();
      await rig.reportFleet();
      // Marks where the timed intakes start and end, for anyone sampling the processes' CPU alongside.
      options.log(`intake: block ${block + 1}/${options.blocks}, intakes start`);
      // The block's technicians are freed after it, untimed (see load): a block of 500 takes a quarter of the fleet.
      intake.push(await timedCpu('intake', () => rig.load(options.concurrency, { total: perBlock }, 'later')));
      await rig.releaseHeld();
      options.log(`intake: block ${block + 1}/${options.blocks}, intakes end`);
    }
    const merged = (results: LoadResult[]) => ({
      latencies: results.flatMap((r) => r.latenciesMs),
      errors: results.reduce((n, r) => n + r.errors, 0),
      errorKinds: results.reduce<Record<string, number>>((kinds, r) => {
        for (const [kind, n] of Object.entries(r.errorKinds)) kinds[kind] = (kinds[kind] ?? 0) + n;
        return kinds;
      }, {}),
      throughput: Math.round((results.reduce((n, r) => n + r.latenciesMs.length, 0) / (results.reduce((ms, r) => ms + r.elapsedMs, 0) / 1000)) * 10) / 10,
    });
    const i = merged(intake);
    const f = merged(floor);
    const b = merged(irreducible);
    const irreducibleSummary = summarise(b.latencies);
    const intakeSummary = summarise(i.latencies);
    const floorSummary = summarise(f.latencies);
    return {
      requests: i.latencies.length + i.errors,
      concurrency: options.concurrency,
      fleet: options.fleet,
      intake: { ...intakeSummary, errors: i.errors, errorKinds: i.errorKinds, throughput: i.throughput, assigned: rig.assigned, pending: rig.pending },
      dynamoCallsPerIntake: dynamoCallsPerIntake(rig.dynamoCalls, rig.assigned, i.latencies.length + i.errors),
      floor: { ...floorSummary, errors: f.errors },
      p95OverFloor: ratio(intakeSummary.p95, floorSummary.p95),
      irreducible: { ...irreducibleSummary, errors: b.errors },
      irreducibleP95OverFloor: ratio(irreducibleSummary.p95, floorSummary.p95),
      nodeCpuMsPerRequest: {
        intake: Math.round((cpu.intake / Math.max(1, i.latencies.length + i.errors)) * 100) / 100,
        floor: Math.round((cpu.floor / Math.max(1, f.latencies.length + f.errors)) * 100) / 100,
        irreducible: Math.round((cpu.irreducible / Math.max(1, b.latencies.length + b.errors)) * 100) / 100,
      },
      engineCpuMsPerRequest: {
        intake: engineCpuPerRequest(engines.intake, i.latencies.length + i.errors),
        floor: engineCpuPerRequest(engines.floor, f.latencies.length + f.errors),
        irreducible: engineCpuPerRequest(engines.irreducible, b.latencies.length + b.errors),
      },
    };
  } finally {
    await rig.close();
  }
}

export interface SpikeOptions {
  baselineConcurrency: number;
  baselineMs: number;
  spikeMs: number;
  log: (message: string) => void;
}

export interface SpikePhase extends LatencySummary {
  concurrency: number;
  seconds: number;
  errors: number;
  errorKinds: Record<string, number>;
  throughput: number;
}

export interface SpikeResult {
  baseline: SpikePhase;
  spike: SpikePhase;
  errors: number;
  /** p99 at 5× ÷ p99 at baseline. */
  p99Ratio: number | null;
  assigned: number;
  pending: number;
}

export async function benchSpike(rig: IntakeRig, options: SpikeOptions): Promise<SpikeResult> {
  const phase = (concurrency: number, result: LoadResult): SpikePhase => ({
    concurrency,
    seconds: Math.round(result.elapsedMs / 100) / 10,
    ...summarise(result.latenciesMs),
    errors: result.errors,
    errorKinds: result.errorKinds,
    throughput: result.throughput,
  });
  try {
    // Only the baseline's containers are warm when the spike arrives.
    await rig.close();
    await rig.load(options.baselineConcurrency, { total: options.baselineConcurrency * 3 });
    rig.assigned = rig.pending = 0;
    options.log(`spike: baseline, concurrency ${options.baselineConcurrency} for ${options.baselineMs / 1000} s`);
    const baseline = phase(options.baselineConcurrency, await rig.load(options.baselineConcurrency, { durationMs: options.baselineMs }));
    const spikeConcurrency = options.baselineConcurrency * 5;
    // The extra containers start cold (no connection yet), as Lambda's would: their first requests are in the figures.
    options.log(`spike: 5×, concurrency ${spikeConcurrency} for ${options.spikeMs / 1000} s`);
    const spike = phase(spikeConcurrency, await rig.load(spikeConcurrency, { durationMs: options.spikeMs }));
    return { baseline, spike, errors: baseline.errors + spike.errors, p99Ratio: ratio(spike.p99, baseline.p99), assigned: rig.assigned, pending: rig.pending };
  } finally {
    await rig.close();
  }
}
