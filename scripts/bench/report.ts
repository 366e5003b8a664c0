// The benchmark's results file shape and its markdown report (what `npm run bench` prints and docs/performance.md quotes).
import type { ColdStartResult } from './cold-start.js';
import type { IntakeResult, SpikeResult } from './intake.js';
import type { KNearestRow } from './knearest.js';
import type { SurgeResult } from './surge.js';
import { markdownTable, type Cell } from './table.js';

export interface Machine {
  cores: number;
  cpu: string;
  node: string;
  platform: string;
  memoryGb: number;
  /** 1-minute load average when the run started: how busy the machine already was. */
  loadAverageAtStart: number;
}

export interface BenchResults {
  mode: 'full' | 'quick';
  startedAt: string;
  durationSeconds: number;
  machine: Machine;
  intake?: IntakeResult;
  knearest?: KNearestRow[];
  coldStart?: ColdStartResult;
  spike?: SpikeResult;
  surge?: SurgeResult;
  /** ERROR-level log lines the service wrote while being measured (0 expected). */
  serviceErrorLogLines: number;
}

const kib = (bytes: number | null) => (bytes === null ? null : Math.round(bytes / 102.4) / 10);
const oneDecimal = (n: number) => Math.round(n * 10) / 10;
const times = (n: number | null | undefined) => (n === null || n === undefined ? '—' : `${n}×`);

export function renderReport(r: BenchResults): string {
  const out: string[] = [];
  out.push(
    `**${r.mode === 'quick' ? 'Quick (smoke-sized) run' : 'Full run'}**, ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${r.durationSeconds} s: ` +
      `${r.machine.cores} cores (${r.machine.cpu}), ${r.machine.memoryGb} GB, Node ${r.machine.node} on ${r.machine.platform}, load average ${r.machine.loadAverageAtStart} at start.`,
  );
  const headline: Cell[][] = [];
  if (r.intake) headline.push(['Intake p95 ÷ I/O floor p95', times(r.intake.p95OverFloor)]);
  for (const row of r.knearest ?? []) headline.push([`Items read, dynamodb-geo ÷ ours, ${row.technicians.toLocaleString('en-GB')} technicians`, times(row.itemsReadRatio)]);
  const create = r.coldStart?.functions.find((f) => f.name === 'createEmergency');
  if (create) headline.push(['Init, createEmergency ÷ empty handler', times(create.initRatio)]);
  if (r.spike) headline.push([`Spike p99 (5×) ÷ p99 (baseline); errors`, `${times(r.spike.p99Ratio)}; ${r.spike.errors} errors`]);
  if (r.surge) headline.push(['Surge: most Queries in one k = 5 search; non-201/202 or tokenless answers', `${r.surge.maxQueriesPerSearch}; ${r.surge.failures}`]);
  out.push('', markdownTable(['Ratio', 'Value'], headline));
  if (r.surge) out.push('', ...renderSurge(r.surge));

  if (r.intake) {
    const i = r.intake;
    out.push(
      '',
      `#### 1. Intake latency: POST /emergencies in-process, dispatch included (${i.requests.toLocaleString('en-GB')} requests, concurrency ${i.concurrency}, ${i.fleet.toLocaleString('en-GB')} technicians)`,
      '',
      markdownTable(
        ['Path', 'Requests', 'p50 ms', 'p95 ms', 'p99 ms', 'Max ms', 'Errors'],
        [
          ['Intake (handler, idempotency, INSERT, dispatch, notifications)', i.intake.count + i.intake.errors, i.intake.p50, i.intake.p95, i.intake.p99, i.intake.max, i.intake.errors],
          ['I/O floor (one INSERT + one DynamoDB Query)', i.floor.count + i.floor.errors, i.floor.p50, i.floor.p95, i.floor.p99, i.floor.max, i.floor.errors],
          ...(i.irreducible
            ? [['Irreducible intake (the floor, a claim UpdateItem and the assignment UPDATE, nothing else)', i.irreducible.count + i.irreducible.errors, i.irreducible.p50, i.irreducible.p95, i.irreducible.p99, i.irreducible.max, i.irreducible.errors]]
            : []),
        ],
      ),
      '',
      `Intake p95 ÷ floor p95 = **${times(i.p95OverFloor)}**${i.irreducible ? ` (the irreducible intake alone: ${times(i.irreducibleP95OverFloor)})` : ''}. ${i.intake.assigned} requests assigned a technician, ${i.intake.pending} left pending; ${i.intake.throughput} intakes/s.` +
        (i.intake.errors ? ` Errors: ${JSON.stringify(i.intake.errorKinds)}.` : '') +
        ` DynamoDB calls per intake: ${Object.entries(i.dynamoCallsPerIntake).map(([command, n]) => `${command.replace(/Command$/, '')} ${n}`).join(', ')}.` +
        (i.nodeCpuMsPerRequest
          ? ` Node CPU per request (this process, user + system): intake ${i.nodeCpuMsPerRequest.intake} ms, floor ${i.nodeCpuMsPerRequest.floor} ms${i.nodeCpuMsPerRequest.irreducible !== undefined ? `, irreducible intake ${i.nodeCpuMsPerRequest.irreducible} ms` : ''}.`
          : '') +
        (i.engineCpuMsPerRequest?.intake
          ? ` Engines' CPU per request: intake ${cpuList(i.engineCpuMsPerRequest.intake)}; floor ${cpuList(i.engineCpuMsPerRequest.floor)}${i.engineCpuMsPerRequest.irreducible ? `; irreducible intake ${cpuList(i.engineCpuMsPerRequest.irreducible)}` : ''}.`
          : ''),
    );
  }

  if (r.knearest?.length) {
    const ks = r.knearest[0]!.ours.map((o) => o.k);
    out.push(
      '',
      `#### 2. k-nearest cost (${r.knearest[0]!.requests} request points; per request means; ours exact against brute force)`,
      '',
      markdownTable(
        [
          'Technicians',
          ...ks.flatMap((k) => [`Ours k=${k}: queries`, `items read`, `p50 / p95 ms`, `exact`]),
          'dynamodb-geo: queries',
          'items read',
          'p50 / p95 ms',
          'radius (median km)',
          'Items read ÷ ours (k=1)',
        ],
        r.knearest.map((row) => [
          row.technicians,
          ...row.ours.flatMap((o) => [oneDecimal(o.queries), oneDecimal(o.itemsRead), `${o.latencyMs.p50} / ${o.latencyMs.p95}`, `${oneDecimal(o.exactPercent)} %`]),
          oneDecimal(row.theirs.queries),
          oneDecimal(row.theirs.itemsRead),
          `${row.theirs.latencyMs.p50} / ${row.theirs.latencyMs.p95}`,
          row.theirs.medianRadiusKm,
          times(row.itemsReadRatio),
        ]),
      ),
    );
  }

  if (r.coldStart) {
    const c = r.coldStart;
    out.push(
      '',
      `#### 3. Cold start (bundles from \`sls package --stage prod\`; median of ${c.runs} fresh \`node\` processes${c.builderVerified ? '' : '; WARNING: the empty bundle\'s builder did not reproduce createEmergency\'s bundle'})`,
      '',
      markdownTable(
        ['Function', 'Bundle KiB', 'Zip KiB', 'Init ms', 'Import ms', 'Init ÷ empty', 'Top three contributors (KiB)'],
        [...c.functions, c.empty].map((f) => [
          f.name,
          kib(f.bundleBytes),
          kib(f.zipBytes),
          f.initMs,
          f.importMs,
          times(f.initRatio),
          (f.topContributors ?? []).map((t) => `${t.name} ${kib(t.bytes)}`).join(', ') || '—',
        ]),
      ),
    );
  }

  if (r.spike) {
    const s = r.spike;
    out.push(
      '',
      `#### 4. Spike: intake at baseline concurrency, then 5× for ${s.spike.seconds} s`,
      '',
      markdownTable(
        ['Phase', 'Concurrency', 'Seconds', 'Requests', 'Intakes/s', 'p50 ms', 'p95 ms', 'p99 ms', 'Errors'],
        [s.baseline, s.spike].map((p, n) => [n === 0 ? 'Baseline' : '5×', p.concurrency, p.seconds, p.count + p.errors, p.throughput, p.p50, p.p95, p.p99, p.errors]),
      ),
      '',
      `p99 at 5× ÷ p99 at baseline = **${times(s.p99Ratio)}**, errors: **${s.errors}**` +
        (s.errors ? ` (${JSON.stringify({ ...s.baseline.errorKinds, ...s.spike.errorKinds })})` : '') +
        `. ${s.assigned} assigned, ${s.pending} pending.`,
    );
  }
  if (r.serviceErrorLogLines) out.push('', `The service logged ${r.serviceErrorLogLines} ERROR lines while being measured (the first 200 are in bench/service-errors.jsonl).`);
  return out.join('\n');
}

function renderSurge(s: SurgeResult): string[] {
  const b = s.burst;
  return [
    `#### 5. Surge (k = 5, ${s.fleet.toLocaleString('en-GB')} technicians; most Queries in any one search: **${s.maxQueriesPerSearch}**)`,
    '',
    markdownTable(
      ['Point', 'Found', 'Queries', 'Items read', 'ms'],
      s.emptyRegions.map((row) => [row.point, row.found, row.queries, row.itemsRead, row.ms]),
    ),
    '',
    markdownTable(
      ['Burst at one point', 'Statuses', 'Assigned', 'Pending', 'With token', 'p50 ms', 'p95 ms', 'p99 ms', 'Queries per intake', 'SQL statements per intake'],
      [[`${b.requests} intakes, ${b.technicians} technicians`, Object.entries(b.statusCounts).map(([k, v]) => `${k}: ${v}`).join(', '), b.assigned, b.pending, b.withToken, b.p50, b.p95, b.p99, b.meanQueriesPerIntake, b.sqlStatementsPerIntake ?? '—']],
    ),
    '',
    markdownTable(
      ['Backlog', 'Freed technicians', 'Assigned', 'Still pending', 'Areas searched', 'Queries in the run', 'ms'],
      [[s.backlog.pending, s.backlog.freed, s.backlog.assigned, s.backlog.stillPending, s.backlog.areasSearched, s.redispatchQueriesPerRun, s.backlog.ms]],
    ),
  ];
}

/** `postgres 3.1 ms, java 6.2 ms`, largest first. */
const cpuList = (perRequest: Record<string, number> | undefined) =>
  Object.entries(perRequest ?? {})
    .sort(([, a], [, b]) => b - a)
    .map(([name, ms]) => `${name} ${ms} ms`)
    .join(', ') || 'none measured';
