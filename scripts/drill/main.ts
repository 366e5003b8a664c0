// npm run drill:region: the two-region drill on this machine, printing RTO, RPO and the accounting of every
// acknowledged request (scripts/drill/region-drill.ts). Options: --rate 20 --before 20 (at least; the load goes on until a
// job has completed) --after 10 --technicians 12 --delay 250 (ms of replication delay) --no-journal (measure the window
// it closes) --no-verify --json
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

// The function modules the drill composes from also wire their own handler at import, from the environment (as Lambda
// does): point those at nothing. The drill's two regions are composed with their own settings (region-drill.ts).
process.env.DATABASE_URL ??= 'postgres://127.0.0.1:9/wired-at-import-unused';
process.env.DYNAMODB_ENDPOINT ??= 'http://127.0.0.1:9';
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.STAGE ??= 'local';
// Powertools then writes through the global console, so the filter below sees its warnings.
process.env.POWERTOOLS_DEV ??= 'true';
// Powertools warns on every invocation that published no metric, whatever POWERTOOLS_METRICS_DISABLED says.
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].startsWith('No application metrics to publish')) return;
  warn(...args);
};
const { startEngines } = await import('../local/engines.js');
const { describeDrill, drillDefaults, runRegionDrill } = await import('./region-drill.js');

const { values } = parseArgs({
  options: {
    rate: { type: 'string' },
    before: { type: 'string' },
    after: { type: 'string' },
    technicians: { type: 'string' },
    delay: { type: 'string' },
    'no-journal': { type: 'boolean', default: false },
    'no-verify': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const number = (text: string | undefined, fallback: number) => (text === undefined ? fallback : Number(text));

const dir = mkdtempSync(path.join(os.tmpdir(), 'tyrehero-drill-dynamodb-'));
// One DynamoDB Local holds the global tables of both regions (replication is instantaneous here; see docs/operations.md).
const engines = await startEngines({
  dataDir: dir,
  persistent: false,
  databaseUrl: 'postgres://unused',
  log: console.log,
});
let failed = false;
try {
  const report = await runRegionDrill({
    ...drillDefaults,
    dynamodbEndpoint: engines.dynamodbEndpoint,
    ratePerSecond: number(values.rate, drillDefaults.ratePerSecond),
    secondsBeforeKill: number(values.before, drillDefaults.secondsBeforeKill),
    secondsAfterRecovery: number(values.after, drillDefaults.secondsAfterRecovery),
    technicians: number(values.technicians, drillDefaults.technicians),
    replicationDelayMs: number(values.delay, drillDefaults.replicationDelayMs),
    verify: !values['no-verify'],
    journal: !values['no-journal'],
    log: (line) => console.log(line),
  });
  console.log('');
  for (const line of describeDrill(report)) console.log(line);
  if (values.json) console.log(JSON.stringify(report, null, 2));
  failed =
    report.accounting.lost > 0 ||
    !(report.rtoSeconds < 300) ||
    report.failover.outcome !== 'succeeded' ||
    report.shortfalls.length > 0;
  console.log(
    failed
      ? '\nDRILL FAILED: see the figures above.'
      : '\nDrill passed: 0 acknowledged requests lost, RTO under 5 minutes.',
  );
} finally {
  await engines.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
