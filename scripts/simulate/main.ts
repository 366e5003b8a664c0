// npm run simulate: a calm day and a storm day on the embedded engines, each under greedy, batched and batched with
// pre-scaling, against the hindsight bound; writes sim/results.json and one chart per scenario, prints the table.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import exitHook from 'async-exit-hook';
import { prepareDatabase, projectRoot, startEngines } from '../local/engines.js';
import { templateDatabase, type SharedEngines } from '../local/isolated.js';
import { runScenarios, simSizes, type SimOptions } from './scenarios.js';
import { renderChart, renderTable } from './report.js';
import { profile } from './day.js';
import { defaultBatchWeights, type BatchWeights } from '#shared/domain/batch-assignment.js';

export function parseArgs(argv: readonly string[]): SimOptions {
  const quick = argv.includes('--quick');
  const seedArg = argv.find((a) => a.startsWith('--seed='));
  const windowsArg = argv.find((a) => a.startsWith('--windows='));
  const seed = seedArg ? Number(seedArg.slice('--seed='.length)) : 28;
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${seedArg}`);
  const windows = windowsArg
    ? windowsArg
        .slice('--windows='.length)
        .split(',')
        .map((w) => Number(w))
    : [];
  if (windows.some((w) => !(w >= 5 && w <= 600))) throw new Error('--windows are seconds between 5 and 600');
  const listArg = (name: string) =>
    argv
      .find((a) => a.startsWith(`--${name}=`))
      ?.slice(name.length + 3)
      .split(',');
  const concurrencyArg = argv.find((a) => a.startsWith('--concurrency='));
  // Two days at once by default: a day waits on the engines' round trips more than it computes, so two share the
  // machine's cores well (quick: 367 s one after another on this 2-core machine, see docs/performance.md).
  const concurrency = concurrencyArg ? Number(concurrencyArg.slice('--concurrency='.length)) : 2;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 8)
    throw new Error(`--concurrency is a whole number of days at once, 1 to 8, got ${concurrencyArg}`);
  // Batched cost weights to try instead of the service's defaults, for tuning: SIM_BATCH_WEIGHTS='{"slackMinutes":5}'.
  const batchWeights = process.env.SIM_BATCH_WEIGHTS
    ? { ...defaultBatchWeights, ...(JSON.parse(process.env.SIM_BATCH_WEIGHTS) as Partial<BatchWeights>) }
    : undefined;
  const scenarios = listArg('scenarios') as SimOptions['scenarios'];
  const policies = listArg('policies') as SimOptions['policies'];
  if (scenarios?.some((s) => s !== 'calm' && s !== 'storm')) throw new Error('--scenarios are calm and/or storm');
  const known = ['greedy', 'batched', 'batched-no-late', 'batched+prescaling'];
  if (policies?.some((p) => !known.includes(p))) throw new Error(`--policies are some of ${known.join(', ')}`);
  return {
    size: quick ? simSizes.quick : simSizes.full,
    mode: quick ? 'quick' : 'full',
    seed,
    windows,
    concurrency,
    ...(batchWeights ? { batchWeights } : {}),
    ...(scenarios ? { scenarios } : {}),
    ...(policies ? { policies } : {}),
  };
}

/** The service's EMF metric lines (Powertools flushes them to stdout) would bury the table: they are dropped here. */
function dropMetricLines() {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
    if (text.startsWith('{"_aws"')) return true;
    return (write as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
  };
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  dropMetricLines();
  const started = performance.now();
  const log = (m: string) => process.stderr.write(`[sim ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
  const engineDir = mkdtempSync(path.join(os.tmpdir(), 'tyrehero-sim-engines-'));
  log('starting embedded PostgreSQL and DynamoDB Local');
  const engines = await startEngines({ dataDir: engineDir, persistent: false, log });
  exitHook.unhookEvent('beforeExit');
  exitHook.unhookEvent('exit');
  try {
    await prepareDatabase(engines.serverUrl, templateDatabase);
    const shared: SharedEngines = { pgServerUrl: engines.serverUrl, dynamodbEndpoint: engines.dynamodbEndpoint };
    const results = await runScenarios(shared, options, log);
    results.durationSeconds = Math.round((performance.now() - started) / 1000);
    const outDir = path.join(projectRoot, 'sim');
    mkdirSync(outDir, { recursive: true });
    const suffix = options.mode === 'quick' ? '-quick' : '';
    writeFileSync(path.join(outDir, `results${suffix}.json`), `${JSON.stringify(results, null, 2)}\n`);
    for (const s of results.scenarios)
      writeFileSync(
        path.join(outDir, `${s.name}-day${suffix}.svg`),
        renderChart(s, options.size.hours, options.size.drainHours),
      );
    process.stdout.write(`${renderTable(results)}\n`);
    if (results.windows?.length) {
      process.stdout.write(
        '\n| Window (s) | SLA compliance | Breaches | P1 compliance |\n| ---: | ---: | ---: | ---: |\n',
      );
      for (const w of results.windows)
        process.stdout.write(
          `| ${w.windowSeconds} | ${(w.slaCompliance * 100).toFixed(1)} % | ${w.slaBreaches} | ${(w.p1Compliance * 100).toFixed(1)} % |\n`,
        );
    }
    process.stdout.write(
      `\n(sim/results${suffix}.json and the charts written in ${results.durationSeconds} s; reproduce with \`npm run simulate${options.mode === 'quick' ? ' -- --quick' : ''}\`)\n`,
    );
    if (process.env.SIM_PROFILE)
      for (const [kind, p] of profile)
        process.stderr.write(`${kind}: ${p.n} × ${(p.ms / p.n).toFixed(1)} ms = ${Math.round(p.ms / 1000)} s\n`);
    return 0;
  } finally {
    await engines.stop();
    rmSync(engineDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`)
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
