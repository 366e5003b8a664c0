// The two-region drill on one machine (npm run drill:region; a reduced run in tests/integration/region-drill.test.ts):
// eu-west-2 and eu-west-1 as two local stacks, each with its functions and its own PostgreSQL (eu-west-1's a streaming
// standby of eu-west-2's), sharing one DynamoDB Local as the global tables. A steady intake load runs with technicians
// moving their jobs through every step; eu-west-2 is killed (PostgreSQL SIGKILL, its functions stopped); a client that
// follows the health checks as Route 53 does moves to eu-west-1 once drFailover (its real code path, promotion by
// pg_ctl promote, in a process of its own) has flipped the active-region record. It measures RTO, RPO, and accounts for
// every acknowledged request. The functions run as Lambda runs them (a container per concurrent invocation), and a
// phase whose figures need a condition waits for it (a completed job before the kill, a 201 from eu-west-1, every
// request and job step answered), up to a generous cap that names what was missing: never for a fixed time alone.
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import pg from 'pg';
import { makeHandler as makeCreate } from '#functions/intake/create.js';
import { makeHandler as makeHealth } from '#functions/platform/health.js';
import { makeHandler as makeGet } from '#functions/tracking/get.js';
import { makeHandler as makeLocation } from '#functions/technicians/location.js';
import { makeJobActionHandler } from '#functions/jobs/job-action.js';
import { makeHandler as makeRedispatch } from '#functions/dispatch/redispatch-pending.js';
import type { FailoverResult } from '#functions/disaster-recovery/dr-failover.js';
import { parseRecoverInput, recoverRequests } from '#functions/disaster-recovery/dr-recover.js';
import { defaultDrTargets } from '#shared/domain/dr-readiness.js';
import type { Notification, Notifier } from '#shared/ports/notifier.js';
import { loadConfig, type Config } from '../config.js';
import { allDeps, closeAllDeps, type AllDeps } from '../local/all-deps.js';
import { localClientId, localIssuer, newSigner, type LocalSigner } from '../local/auth.js';
import { createTables } from '../local/engines.js';
import { replicaLag, startLocalPair, type LocalPair } from '../local/postgres-pair.js';
import { startFailoverConsole } from './failover-console.js';

export interface RegionDrillOptions {
  dynamodbEndpoint: string;
  /** Intake requests started per second (each retried by its client until acknowledged). */
  ratePerSecond: number;
  /**
   * Load before the kill (at least this long, and until a technician has completed a job), and after the first 201 in
   * the new region.
   */
  secondsBeforeKill: number;
  secondsAfterRecovery: number;
  /** The most load before the kill while no job has completed: then the drill goes on and names the shortfall. */
  maxSecondsBeforeKill: number;
  /** After the load stops, how long the clients and the van apps go on retrying what they started before giving up. */
  settleSeconds: number;
  /** Technicians on shift near the breakdowns, who take jobs through accept → en route → arrived → complete. */
  technicians: number;
  /** Route 53's health checks: the interval, and how many failures in a row make a region unhealthy. */
  healthCheckIntervalMs: number;
  healthCheckFailureThreshold: number;
  /** How long functions keep the active-region record (ACTIVE_REGION_CACHE_MS). */
  activeRegionCacheMs: number;
  /** Run the synthetic job on the test fleet as drFailover's last step. */
  verify: boolean;
  /** Keep the intake journal (INTAKE_JOURNAL_SECONDS); off, the drill measures the window it closes. */
  journal: boolean;
  /** How long WAL takes from eu-west-2 to eu-west-1 (what is in flight at the kill is lost, as between regions). */
  replicationDelayMs: number;
  log?: (line: string) => void;
}

export const drillDefaults: Omit<RegionDrillOptions, 'dynamodbEndpoint'> = {
  ratePerSecond: 20,
  secondsBeforeKill: 20,
  secondsAfterRecovery: 10,
  maxSecondsBeforeKill: 120,
  settleSeconds: 60,
  technicians: 12,
  // Route 53's fast checks are every 10 s with 3 failures; scaled down here, the same rule.
  healthCheckIntervalMs: 250,
  healthCheckFailureThreshold: 3,
  activeRegionCacheMs: 1000,
  verify: true,
  journal: true,
  // Aurora's global database replicates with a typical lag under one second; the drill takes a quarter of one.
  replicationDelayMs: 250,
};

export interface RegionDrillReport {
  /** Kill → first 201 in the new region. */
  rtoSeconds: number;
  /** The standby's replay lag at the instant of the kill. */
  rpo: { bytes: number; seconds: number };
  requests: {
    started: number;
    acknowledged: number;
    created201: number;
    buffered202: number;
    /** Refused for good (4xx): the request was wrong, not the service. */
    rejected: number;
    /** Still unacknowledged settleSeconds after the load stopped (the client would go on retrying). */
    unacknowledged: number;
    /** Attempts that got no acknowledgement (connection refused, 5xx) and were retried with the same Idempotency-Key. */
    retriedAttempts: number;
  };
  accounting: {
    inNewPrimary: number;
    inBuffer: number;
    recoveredByDrRecover: number;
    lost: number;
    lostIds: string[];
    /** Acknowledged by eu-west-2 with 201 and not replicated before the kill: put back from the journal by drFailover. */
    restoredFromJournal: number;
    /** Still missing after drFailover's drain and journal (put back by drRecover, or lost). */
    missingAfterFailover: number;
  };
  jobSteps: {
    /** Job offers the technicians' phones received (dispatch's offer SMS): each one the van app then works. */
    offers: number;
    attempted: number;
    failedAttempts: number;
    succeededAfterRetry: number;
    /** Steps still unanswered settleSeconds after the load stopped (the app retries each until it is answered). */
    gaveUp: number;
    completedJobs: number;
    /** A 409 showed the job behind a step acknowledged before the kill: that step was lost with eu-west-2, and redone. */
    lostAcknowledgedSteps: number;
    /** A 403: the assignment the technician had was lost with eu-west-2; the request is pending again (redispatch). */
    lostAssignments: number;
  };
  failover: { outcome: string; elapsedSeconds: number; steps: FailoverResult['steps'] };
  /** eu-west-1's scheduled redispatch after the move (its first minute tick), and eu-west-2's, which no longer runs. */
  redispatch: { assigned: number; stillPending: number };
  /**
   * The functions' containers in both regions (each a cold start), and the invocations that waited for a turn (at most
   * turnsPerFunction of a function run at once in a region here), with the longest wait: how hard the load pressed
   * this machine. A wait is part of what the client sees (the RTO included), never of a function's own deadlines.
   */
  functions: { coldStarts: number; waited: number; longestWaitSeconds: number };
  timeline: Array<{ atSeconds: number; event: string }>;
  /** What the drill waited for and did not see within its cap: empty when every phase reached its condition. */
  shortfalls: string[];
}

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

// The functions the drill's clients and technicians call, each built on a container's composition as its root does.
const functions = {
  create: (deps: AllDeps) => makeCreate(deps),
  health: (deps: AllDeps) => makeHealth(deps),
  get: (deps: AllDeps) => makeGet(standbyAware(deps)),
  location: (deps: AllDeps) => makeLocation(standbyAware(deps)),
  accept: (deps: AllDeps) => makeJobActionHandler('accept')(standbyAware(deps)),
  enRoute: (deps: AllDeps) => makeJobActionHandler('en-route')(standbyAware(deps)),
  arrived: (deps: AllDeps) => makeJobActionHandler('arrived')(standbyAware(deps)),
  complete: (deps: AllDeps) => makeJobActionHandler('complete')(standbyAware(deps)),
} satisfies Record<string, (deps: AllDeps) => Handler>;
type FunctionName = keyof typeof functions;

// Intake and health decide by the active-region record themselves; every other route's chain refuses in standby
// (shared/compose/active-region.ts).
function standbyAware(deps: AllDeps) {
  return { ...deps, http: { ...deps.http, regionRole: deps.regionRole } };
}

class RegionDown extends Error {
  constructor(region: string) {
    super(`connect ECONNREFUSED (${region} is gone)`);
  }
}

// How many invocations of one function this machine runs at once in a region; the next waits its turn before it starts.
// Lambda would start every one at once, each on a CPU of its own: here they share one process, and as many at once as
// intake's reserved concurrency (40) slowed all of them together until their own deadlines ran out. The wait is the
// client's: none of the function's deadlines (its 10 s, the pool's 3 s connect, dispatch's 3 s budget) counts it.
const turnsPerFunction = 4;

/**
 * A region's functions as Lambda runs them: each invocation in a container of that function that is not busy, or a
 * new one (a cold start), each container with its own composition: its one database connection (DB_POOL_MAX=1, as
 * deployed) and its own SDK clients. One composition serving every call at once would make that connection and those
 * sockets a queue inside the function, whose wait counts against the pool's 3 s connect timeout: under load intakes
 * were buffered, and dispatches and drains failed "database unavailable", for want of a connection.
 */
class Region {
  up = true;
  coldStarts = 0;
  /** Invocations that waited for a turn, and the longest wait. */
  waited = 0;
  longestWaitMs = 0;
  private readonly byFunction = new Map<
    FunctionName,
    { idle: Array<{ handler: Handler }>; running: number; waiting: Array<() => void> }
  >();
  private readonly composed: AllDeps[] = [];

  constructor(
    readonly name: 'eu-west-2' | 'eu-west-1',
    private readonly config: Config,
    private readonly phones: Notifier,
  ) {}

  /** A composition of its own: a console function's container (drRecover, redispatch), or the drill's own hands. */
  compose(): AllDeps {
    const deps = allDeps(this.config, { notifier: this.phones });
    this.composed.push(deps);
    return deps;
  }

  async invoke(fn: FunctionName, e: APIGatewayProxyEvent) {
    if (!this.up) throw new RegionDown(this.name);
    let of = this.byFunction.get(fn);
    if (!of) this.byFunction.set(fn, (of = { idle: [], running: 0, waiting: [] }));
    if (of.running < turnsPerFunction) of.running++;
    else {
      // A turn is handed over by the invocation that ends, so `running` stays as it is.
      const since = Date.now();
      this.waited++;
      await new Promise<void>((resolve) => of.waiting.push(resolve));
      this.longestWaitMs = Math.max(this.longestWaitMs, Date.now() - since);
    }
    try {
      if (!this.up) throw new RegionDown(this.name);
      let container = of.idle.pop();
      if (!container) {
        this.coldStarts++;
        container = { handler: functions[fn](this.compose()) };
      }
      try {
        const raw = await container.handler(e, context(fn));
        return {
          status: raw.statusCode,
          body: (raw.body ? JSON.parse(raw.body) : {}) as Record<string, unknown>,
        };
      } finally {
        of.idle.push(container);
      }
    } finally {
      const next = of.waiting.shift();
      if (next) next();
      else of.running--;
    }
  }

  async close() {
    for (const deps of this.composed) await closeAllDeps(deps).catch(() => undefined);
  }
}

/**
 * The technicians' phones: dispatch's offer SMS ("TyreHero job <reference>: … Accept in the app") is how a van app
 * learns of its job, whether intake answered in time or dispatch finished after intake's budget. Nothing else the
 * service sends goes anywhere.
 */
class TechnicianPhones implements Notifier {
  constructor(private readonly offered: (phone: string, reference: string) => void) {}

  send(n: Notification): Promise<void> {
    if (n.channel === 'sms' && n.purpose === 'technician-offer') {
      const reference = /^TyreHero job (\S+):/.exec(n.text)?.[1];
      if (reference) this.offered(n.to, reference);
    }
    return Promise.resolve();
  }
}

const breakdown = { lat: 51.8793, lon: -0.4175 };
const context = (name: string): Context =>
  ({
    functionName: name,
    awsRequestId: randomUUID(),
    // What Lambda gives intake: 10 s.
    getRemainingTimeInMillis: () => 10_000,
  }) as unknown as Context;

function event(method: string, path: string, init: { body?: unknown; headers?: Record<string, string>; id?: string }) {
  return {
    httpMethod: method,
    path,
    resource: path,
    pathParameters: init.id ? { id: init.id } : null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    headers: {
      Host: 'api.tyrehero.test',
      ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...init.headers,
    },
    multiValueHeaders: {},
    body: init.body === undefined ? null : JSON.stringify(init.body),
    isBase64Encoded: false,
    requestContext: { requestId: randomUUID() },
  } as unknown as APIGatewayProxyEvent;
}

function regionConfig(name: Region['name'], databaseUrl: string, shared: Record<string, string>): Config {
  return loadConfig({ ...process.env, ...shared, AWS_REGION: name, DATABASE_URL: databaseUrl });
}

/** Route 53 failover routing: the primary while its check passes, else the secondary while its check passes, else the primary. */
class FailoverRouting {
  private failures = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(
    private readonly primary: Region,
    private readonly secondary: Region,
    private readonly options: Pick<RegionDrillOptions, 'healthCheckIntervalMs' | 'healthCheckFailureThreshold'>,
    private readonly onChange: (region: string) => void,
  ) {}

  private healthy(region: Region) {
    return (this.failures.get(region.name) ?? 0) < this.options.healthCheckFailureThreshold;
  }

  resolve(): Region {
    if (this.healthy(this.primary)) return this.primary;
    if (this.healthy(this.secondary)) return this.secondary;
    return this.primary;
  }

  primaryUnhealthy() {
    return !this.healthy(this.primary);
  }

  start() {
    let last = this.resolve().name;
    this.timer = setInterval(() => {
      if (this.checking) return;
      this.checking = true;
      void Promise.all(
        [this.primary, this.secondary].map(async (region) => {
          const ok = await region.invoke('health', event('GET', '/health', {})).then(
            (r) => r.status === 200,
            () => false,
          );
          this.failures.set(region.name, ok ? 0 : (this.failures.get(region.name) ?? 0) + 1);
        }),
      ).finally(() => {
        this.checking = false;
        const now = this.resolve().name;
        if (now !== last) this.onChange((last = now));
      });
    }, this.options.healthCheckIntervalMs);
    // The secondary answers 503 standby from the start: count it unhealthy at once, as Route 53 would after its first checks.
    this.failures.set(this.secondary.name, this.options.healthCheckFailureThreshold);
  }

  stop() {
    clearInterval(this.timer);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `done` until it holds or the clock passes `until` (ms since the epoch); whether it held. */
async function waitFor(done: () => boolean, until: number): Promise<boolean> {
  while (!done()) {
    if (Date.now() >= until) return false;
    await sleep(50);
  }
  return true;
}

export async function runRegionDrill(options: RegionDrillOptions): Promise<RegionDrillReport> {
  const started = Date.now();
  const pair = await startLocalPair({ replicationDelayMs: options.replicationDelayMs });
  const regions: Region[] = [];
  const stops: Array<() => void> = [];
  try {
    return await drill(pair, options, started, regions, stops);
  } finally {
    for (const stop of stops) stop();
    for (const region of regions) await region.close();
    await pair.dispose();
  }
}

async function drill(
  pair: LocalPair,
  options: RegionDrillOptions,
  started: number,
  regions: Region[],
  stops: Array<() => void>,
): Promise<RegionDrillReport> {
  const log = options.log ?? (() => undefined);
  const timeline: RegionDrillReport['timeline'] = [];
  const mark = (eventText: string) => {
    timeline.push({ atSeconds: (Date.now() - started) / 1000, event: eventText });
    log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${eventText}`);
  };
  const shortfalls: string[] = [];
  const shortfall = (text: string) => {
    shortfalls.push(text);
    mark(`SHORTFALL: ${text}`);
  };
  mark('eu-west-2 PostgreSQL primary and eu-west-1 streaming standby up');
  const signer: LocalSigner = await newSigner();
  const suffix = randomUUID().slice(0, 8);
  const shared = {
    DYNAMODB_ENDPOINT: options.dynamodbEndpoint,
    LOCATIONS_TABLE: `drill-${suffix}-locations`,
    IDEMPOTENCY_TABLE: `drill-${suffix}-idempotency`,
    SCALING_STATE_TABLE: `drill-${suffix}-scaling-state`,
    INTAKE_BUFFER_TABLE: `drill-${suffix}-intake-buffer`,
    RATE_LIMITS_TABLE: `drill-${suffix}-rate-limits`,
    GEOCODER: 'offline',
    ACTIVE_REGION_DEFAULT: 'eu-west-2',
    ACTIVE_REGION_CACHE_MS: String(options.activeRegionCacheMs),
    // The drill's customers are all drama-range numbers; their own limit is not what is being measured.
    INTAKE_LIMIT_PER_PHONE_HOUR: '1000',
    // Load from a thousand numbers: the same-phone rule (409) is not what is being measured.
    DEDUP_WINDOW_MINUTES: '0',
    ...(options.journal ? {} : { INTAKE_JOURNAL_SECONDS: '0' }),
    AUTH_JWKS: signer.publicJwks,
    AUTH_ISSUER: localIssuer,
    AUTH_CLIENT_ID: localClientId,
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT',
  };
  const technicianIds = Array.from(
    { length: options.technicians },
    (_, i) => `drill-tech-${String(i).padStart(2, '0')}`,
  );
  const technicianPhone = (i: number) => `+447700900${String(900 + i).padStart(3, '0')}`;
  const technicianByPhone = new Map(technicianIds.map((id, i) => [technicianPhone(i), id]));
  const phones = new TechnicianPhones((phone, reference) => offered(phone, reference));
  const london = new Region('eu-west-2', regionConfig('eu-west-2', pair.primaryUrl, shared), phones);
  const ireland = new Region('eu-west-1', regionConfig('eu-west-1', pair.standbyUrl, shared), phones);
  regions.push(london, ireland);
  // The drill's own hands on each region (seeding, and the books at the end), apart from the functions' containers.
  const londonTools = london.compose();
  const irelandTools = ireland.compose();
  await createTables(options.dynamodbEndpoint, londonTools.config.tables);

  const sql = new pg.Pool({ connectionString: pair.primaryUrl, max: 2 });
  const position = new Map<string, { lat: number; lon: number }>();
  for (const [i, id] of technicianIds.entries()) {
    await sql.query(
      `INSERT INTO technicians (id, name, phone, home_base, home_latitude, home_longitude, van) VALUES ($1, $2, $3, 'Luton', 51.88, -0.42, 'Ford Transit Custom (TH24 DRL)')`,
      [id, `Drill${i} Tech`, technicianPhone(i)],
    );
    position.set(id, { lat: breakdown.lat + 0.002 * (i + 1), lon: breakdown.lon });
    await londonTools.technicians.recordLocation(id, { location: position.get(id)!, recordedAt: new Date() });
    await londonTools.technicians.setAvailability(id, 'available');
  }
  await sql.end();
  const tokens = new Map<string, string>();
  for (const id of technicianIds) tokens.set(id, `Bearer ${await signer.mint(id, ['technicians'])}`);

  // drFailover, as the on-call engineer will run it in eu-west-1: composed now, in a process of its own.
  const failoverConsole = await startFailoverConsole({
    env: { ...shared, AWS_REGION: 'eu-west-1', DATABASE_URL: pair.standbyUrl },
    servers: {
      primary: { name: pair.primary.name, serverUrl: pair.primary.serverUrl, dataDir: pair.primary.dataDir },
      standby: { name: pair.standby.name, serverUrl: pair.standby.serverUrl, dataDir: pair.standby.dataDir },
    },
    activeRegionCacheMs: options.activeRegionCacheMs,
    verify: options.verify,
  });
  stops.push(() => failoverConsole.stop());

  const routing = new FailoverRouting(london, ireland, options, (region) => mark(`Route 53 now answers ${region}`));
  stops.push(() => routing.stop());
  routing.start();

  // ------------------------------------------------------------------------------------------- the load and its books
  const acked = new Map<string, { status: 201 | 202; region: string; at: number }>();
  let startedRequests = 0;
  let rejected = 0;
  let retriedAttempts = 0;
  let unacknowledged = 0;
  let stopLoad = false;
  let firstRecoveredAt: number | undefined;
  // Once the load has stopped, the clients and van apps retry until this moment, then give up what is still unanswered.
  let settleBy = Number.POSITIVE_INFINITY;
  const settled = () => Date.now() > settleBy;
  const jobs = {
    offers: 0,
    attempted: 0,
    failedAttempts: 0,
    succeededAfterRetry: 0,
    gaveUp: 0,
    completedJobs: 0,
    lostAcknowledgedSteps: 0,
    lostAssignments: 0,
  };
  const order = ['pending', 'assigned', 'en_route', 'on_site', 'completed'];
  const inFlight = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  // The van app reports a fix every 30 s, and dispatch passes over a technician silent for LOCATION_FRESH_MINUTES (2):
  // a drill that runs long on a loaded machine keeps its fleet dispatchable as the real one is.
  const fixes = setInterval(() => {
    for (const id of technicianIds)
      void routing
        .resolve()
        .invoke('location', locationEvent(id))
        .catch(() => undefined);
  }, 30_000);
  stops.push(() => clearInterval(fixes));
  // Redispatch, every minute in each region as EventBridge runs it (one run at a time), skipping where the region is on
  // standby. Under batched dispatch an intake that finds supply short answers pending and leaves its request to this
  // window: without it no technician would hear of those jobs.
  const scheduled = new Map(
    [london, ireland].map((region) => [region, { run: makeRedispatch(region.compose()), running: false }]),
  );
  const minutely = setInterval(() => {
    for (const region of [london, ireland]) {
      const job = scheduled.get(region)!;
      if (!region.up || job.running) continue;
      job.running = true;
      track(
        job
          .run({}, context('redispatch'))
          .then(
            (r) => {
              if (!('skipped' in r))
                mark(`${region.name} redispatch: ${r.assigned} assigned, ${r.stillPending} pending`);
            },
            () => undefined,
          )
          .finally(() => (job.running = false)),
      );
    }
  }, 60_000);
  stops.push(() => clearInterval(minutely));
  function locationEvent(technicianId: string) {
    const at = position.get(technicianId)!;
    return event('PUT', `/technicians/${technicianId}/location`, {
      id: technicianId,
      headers: { Authorization: tokens.get(technicianId)! },
      body: { lat: at.lat, lon: at.lon, recordedAt: new Date().toISOString() },
    });
  }

  // A job starts when its technician has the offer (which names the request by reference) and the customer has the
  // answer (its id and tracking token, for the arrival code): the offer is sent inside the intake that answers, so
  // either may come first.
  type Job = { id: string; trackingToken: string; location: { lat: number; lon: number } };
  const answered = new Map<string, Job>();
  const offeredTo = new Map<string, string>();
  let offShift = false;
  function offered(phone: string, reference: string) {
    const technicianId = technicianByPhone.get(phone);
    if (!technicianId || offShift) return;
    jobs.offers++;
    const job = answered.get(reference);
    if (job) track(workJob(technicianId, job));
    else offeredTo.set(reference, technicianId);
  }
  function answer(reference: string, job: Job) {
    answered.set(reference, job);
    const technicianId = offeredTo.get(reference);
    if (technicianId === undefined) return;
    offeredTo.delete(reference);
    track(workJob(technicianId, job));
  }

  /**
   * One technician step, retried against whichever region the name resolves to, as the van app retries it until it is
   * answered: 200, 409 (the job is not where the app thought: the app then resumes from the status it is told) or 403.
   */
  async function step(fn: FunctionName, e: () => APIGatewayProxyEvent) {
    jobs.attempted++;
    let last = '';
    for (let attempt = 1; ; attempt++) {
      const region = routing.resolve();
      const answer = await region.invoke(fn, e()).catch((error: Error) => {
        last = `${region.name}: ${error.message}`;
        return undefined;
      });
      // 409: the job is not where the app thought; 403: it is no longer this technician's (its assignment was lost
      // with eu-west-2, and the request went back to pending for redispatch). The app stops retrying either way.
      if (answer && (answer.status === 200 || answer.status === 409 || answer.status === 403)) {
        if (attempt > 1) jobs.succeededAfterRetry++;
        return answer;
      }
      if (answer)
        last = `${region.name}: ${answer.status} ${JSON.stringify(answer.body.detail ?? answer.body.title ?? '')}`;
      jobs.failedAttempts++;
      if (settled()) {
        jobs.gaveUp++;
        log(
          `job step ${fn} given up after ${attempt} attempts, ${options.settleSeconds} s after the load stopped; last: ${last}`,
        );
        return undefined;
      }
      await sleep(250);
    }
  }

  /** A technician takes the job from where it stands to completion, resuming from the status a 409 names. */
  async function workJob(technicianId: string, job: Job) {
    const { id: requestId, trackingToken } = job;
    const auth = { Authorization: tokens.get(technicianId)! };
    const post = (fn: 'accept' | 'enRoute' | 'arrived' | 'complete', path: string, body?: unknown) =>
      step(fn, () => event('POST', `/jobs/${requestId}/${path}`, { id: requestId, headers: auth, body }));
    // What each status asks of the technician next, and the status that follows when it is done.
    let status = 'assigned';
    for (let turn = 0; turn < 12; turn++) {
      let answer: Awaited<ReturnType<typeof step>>;
      let after: string;
      if (status === 'assigned') {
        answer = await post('accept', 'accept');
        if (answer?.status === 200) answer = await post('enRoute', 'en-route');
        after = 'en_route';
      } else if (status === 'en_route') {
        await sleep(200);
        // At the breakdown: from now on the van's fixes (its every-30-s ones too) are from here.
        position.set(technicianId, job.location);
        answer = await step('location', () => locationEvent(technicianId));
        if (answer?.status === 200) answer = await post('arrived', 'arrived');
        after = 'on_site';
      } else if (status === 'on_site') {
        const tracked = await step('get', () =>
          event('GET', `/emergencies/${requestId}`, { id: requestId, headers: { 'X-Tracking-Token': trackingToken } }),
        );
        const arrivalCode = tracked?.body.arrivalCode as string | undefined;
        answer = arrivalCode ? await post('complete', 'complete', { arrivalCode }) : tracked;
        after = 'completed';
      } else {
        if (status === 'completed' && ++jobs.completedJobs === 1) mark('first job completed');
        return;
      }
      if (!answer) return;
      if (answer.status === 403) {
        jobs.lostAssignments++;
        return;
      }
      if (answer.status === 200) {
        status = after;
        continue;
      }
      // 409: the job is elsewhere than the app's last acknowledged step left it. Behind it means an acknowledged step
      // was lost with the old region (written there, never replicated): the app does that step again.
      const current = typeof answer.body.currentStatus === 'string' ? answer.body.currentStatus : '';
      if (order.indexOf(current) < order.indexOf(status)) jobs.lostAcknowledgedSteps++;
      if (!current || current === status) return;
      status = current;
    }
  }

  async function intake(n: number) {
    startedRequests++;
    const key = `drill-${suffix}-${n}`;
    const body = {
      customer: { name: 'Drill Customer', phone: `07700 900${String(n % 1000).padStart(3, '0')}` },
      location: { lat: breakdown.lat + (n % 7) * 0.0005, lon: breakdown.lon },
      vehicle: { makeModel: 'Ford Focus', registration: 'DR11 LLL' },
      issue: 'blowout',
      safety: { onMotorway: false, vulnerableOccupants: false },
    };
    for (;;) {
      const region = routing.resolve();
      const reply = await region
        .invoke('create', event('POST', '/emergencies', { body, headers: { 'Idempotency-Key': key } }))
        .catch(() => undefined);
      if (reply && (reply.status === 201 || reply.status === 202)) {
        const id = reply.body.id as string;
        acked.set(id, { status: reply.status, region: region.name, at: Date.now() });
        if (reply.status === 201 && region === ireland && firstRecoveredAt === undefined) {
          firstRecoveredAt = Date.now();
          mark('first 201 from eu-west-1');
        }
        answer(reply.body.reference as string, {
          id,
          trackingToken: reply.body.trackingToken as string,
          location: body.location,
        });
        return;
      }
      // 409 idempotency-in-progress: the first attempt with this key may still be running (or ran in the region that
      // died before it answered); the API asks for a retry, as after a 5xx.
      const inProgress = reply?.status === 409 && String(reply.body.type).endsWith('/idempotency-in-progress');
      if (reply && reply.status >= 400 && reply.status < 500 && reply.status !== 429 && !inProgress) {
        rejected++;
        log(`intake ${n} refused ${reply.status}: ${JSON.stringify(reply.body)}`);
        return;
      }
      retriedAttempts++;
      if (settled()) {
        unacknowledged++;
        return;
      }
      await sleep(200);
    }
  }

  let n = 0;
  const loadStarted = Date.now();
  const load = (async () => {
    const interval = 1000 / options.ratePerSecond;
    let next = Date.now();
    while (!stopLoad) {
      track(intake(n++));
      next += interval;
      await sleep(Math.max(0, next - Date.now()));
    }
  })();

  // The load runs at least secondsBeforeKill, and on until a technician has completed a job: the kill should find
  // jobs under way behind completed ones, however slowly this machine runs them.
  await sleep(options.secondsBeforeKill * 1000);
  if (!(await waitFor(() => jobs.completedJobs > 0, loadStarted + options.maxSecondsBeforeKill * 1000)))
    shortfall(
      `no job completed in ${options.maxSecondsBeforeKill} s of load before the kill (${jobs.offers} offers, ${jobs.attempted} steps attempted, ${jobs.failedAttempts} failed attempts)`,
    );

  // ----------------------------------------------------------------------------------------------------- the disaster
  const rpo = await replicaLag(pair);
  const killedAt = Date.now();
  london.up = false;
  pair.cutLink();
  await pair.primary.kill();
  mark(
    `eu-west-2 killed: PostgreSQL SIGKILL, functions stopped (standby lag at the kill: ${rpo.bytes} bytes, ${rpo.seconds.toFixed(3)} s)`,
  );

  // The on-call engineer is paged when the primary's health check fails, and runs drFailover in eu-west-1.
  while (!routing.primaryUnhealthy()) await sleep(50);
  mark('eu-west-2 health check failed (Route 53 and the pager see it)');
  const { failover, journalRestored } = await failoverConsole.run((plan) =>
    mark(`drFailover dry run: ${plan.outcome}${plan.error ? ` (${plan.error})` : ''}`),
  );
  const failed = failover.result?.steps.find((s) => !s.ok);
  mark(
    `drFailover ${failover.outcome} in ${failover.elapsedSeconds} s${failed ? `: ${failed.name} failed (${failed.detail})` : ''}${failover.error ? ` (${failover.error})` : ''}`,
  );

  // Served again: the first 201 from eu-west-1, waited for as long as the RTO target (past it the drill has failed).
  if (await waitFor(() => firstRecoveredAt !== undefined, killedAt + defaultDrTargets.rtoSeconds * 1000))
    await sleep(options.secondsAfterRecovery * 1000);
  else shortfall(`no 201 from eu-west-1 within ${defaultDrTargets.rtoSeconds} s of the kill (the RTO target)`);
  stopLoad = true;
  // The technicians finish the jobs they have and take no more; everyone retries what they started until settleBy.
  offShift = true;
  clearInterval(minutely);
  settleBy = Date.now() + options.settleSeconds * 1000;
  await load;
  mark(`load stopped: ${startedRequests} requests started`);
  while (inFlight.size > 0) await Promise.race(inFlight);
  clearInterval(fixes);
  routing.stop();
  if (unacknowledged > 0 || jobs.gaveUp > 0)
    shortfall(
      `${unacknowledged} request(s) unacknowledged and ${jobs.gaveUp} job step(s) unanswered ${options.settleSeconds} s after the load stopped`,
    );
  mark('every request acknowledged and every job step answered, or given up');

  // ------------------------------------------------------------------------------------------------------ the books
  const inPrimary = async (ids: string[]) => {
    const { rows } = await irelandTools.pool.query<{ id: string }>(
      'SELECT id FROM emergency_requests WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return new Set(rows.map((r) => r.id));
  };
  const ids = [...acked.keys()];
  const storedBefore = await inPrimary(ids);
  const notStored = ids.filter((id) => !storedBefore.has(id));

  let inBuffer = 0;
  for (const id of notStored) if (await irelandTools.intakeBuffer.find(id)) inBuffer++;
  const recover = await recoverRequests(
    ireland.compose(),
    parseRecoverInput({ dryRun: false, operator: 'region-drill' }),
  );
  const storedAfter = await inPrimary(ids);
  const lostIds = ids.filter((id) => !storedAfter.has(id));
  const recovered = notStored.length - lostIds.length;
  mark(`drRecover ${recover.outcome}: ${recovered} acknowledged request(s) put back`);
  // The next minute's EventBridge tick in eu-west-1: the scheduled writer runs there now, with no deploy.
  const redispatched = await scheduled.get(ireland)!.run({}, context('redispatch'));
  if ('skipped' in redispatched) throw new Error('redispatch skipped in eu-west-1 after the failover');
  mark(`eu-west-1 redispatch: ${redispatched.assigned} assigned, ${redispatched.stillPending} still pending`);

  const report: RegionDrillReport = {
    rtoSeconds: firstRecoveredAt ? (firstRecoveredAt - killedAt) / 1000 : Number.POSITIVE_INFINITY,
    rpo,
    requests: {
      started: startedRequests,
      acknowledged: acked.size,
      created201: [...acked.values()].filter((a) => a.status === 201).length,
      buffered202: [...acked.values()].filter((a) => a.status === 202).length,
      rejected,
      unacknowledged,
      retriedAttempts,
    },
    accounting: {
      inNewPrimary: storedBefore.size,
      inBuffer,
      recoveredByDrRecover: recovered,
      lost: lostIds.length,
      lostIds,
      restoredFromJournal: journalRestored,
      missingAfterFailover: notStored.length,
    },
    jobSteps: jobs,
    redispatch: { assigned: redispatched.assigned, stillPending: redispatched.stillPending },
    failover: {
      outcome: failover.outcome,
      elapsedSeconds: failover.elapsedSeconds,
      steps: failover.result?.steps ?? [],
    },
    functions: {
      coldStarts: london.coldStarts + ireland.coldStarts,
      waited: london.waited + ireland.waited,
      longestWaitSeconds: Math.max(london.longestWaitMs, ireland.longestWaitMs) / 1000,
    },
    timeline,
    shortfalls,
  };
  return report;
}

/** The figures as a person reads them. */
export function describeDrill(r: RegionDrillReport): string[] {
  return [
    `RTO (kill → first 201 in eu-west-1): ${r.rtoSeconds.toFixed(1)} s   (target < 300 s)`,
    `RPO (standby replay lag at the kill): ${r.rpo.bytes} bytes of WAL, ${r.rpo.seconds.toFixed(3)} s   (target ≤ 30 s)`,
    `Requests: ${r.requests.started} started, ${r.requests.acknowledged} acknowledged (${r.requests.created201} × 201, ${r.requests.buffered202} × 202), ${r.requests.rejected} refused, ${r.requests.unacknowledged} never acknowledged; ${r.requests.retriedAttempts} attempts retried by the client`,
    `Accounting of every acknowledged request: ${r.accounting.inNewPrimary} in the new primary after drFailover (${r.accounting.restoredFromJournal} of them from the journal), ${r.accounting.inBuffer} still in the buffer, ${r.accounting.recoveredByDrRecover} put back by drRecover, LOST ${r.accounting.lost}` +
      (r.accounting.lost ? ` (${r.accounting.lostIds.join(', ')})` : ''),
    `Acknowledged with 201 by eu-west-2 but never replicated: ${r.accounting.restoredFromJournal}, all put back from the intake journal by drFailover (${r.accounting.missingAfterFailover} still missing after it)`,
    `Job steps: ${r.jobSteps.offers} offers taken by the technicians' apps, ${r.jobSteps.attempted} steps attempted, ${r.jobSteps.failedAttempts} failed attempts, ${r.jobSteps.succeededAfterRetry} succeeded on a retry, ${r.jobSteps.gaveUp} given up; ${r.jobSteps.lostAcknowledgedSteps} acknowledged step(s) lost with eu-west-2 and redone, ${r.jobSteps.lostAssignments} assignment(s) lost and left to redispatch; ${r.redispatch.assigned} assigned by eu-west-1's first redispatch run (${r.redispatch.stillPending} still pending); ${r.jobSteps.completedJobs} jobs completed`,
    `drFailover ${r.failover.outcome} in ${r.failover.elapsedSeconds} s: ` +
      r.failover.steps
        .map((s) => `${s.name} ${s.seconds.toFixed(1)} s${s.ok ? '' : ` FAILED (${s.detail})`}`)
        .join(', '),
    `Functions: ${r.functions.coldStarts} containers started in the two regions; ${r.functions.waited} invocations waited for a turn (${turnsPerFunction} of a function at once per region on this machine), the longest ${r.functions.longestWaitSeconds.toFixed(1)} s`,
    ...r.shortfalls.map((s) => `SHORTFALL: ${s}`),
  ];
}
