// drFailover in eu-west-1 for the two-region drill, in a process of its own (started by ./failover-console.ts): the dry
// run, then the disaster failover with the local control plane, verified by drDrill, each in its own container as in
// AWS. It answers one run, then exits.
import { failoverDatabase, parseFailoverInput } from '#functions/disaster-recovery/dr-failover.js';
import { parseDrillInput, runDrill } from '#functions/disaster-recovery/dr-drill.js';
import { PostgresWriterProbe } from '#shared/adapters/postgres/writer-probe.js';
import type { Notifier } from '#shared/ports/notifier.js';
import { loadConfig } from '../config.js';
import { allDeps, closeAllDeps } from '../local/all-deps.js';
import { LocalGlobalDatabase } from '../local/postgres-pair.js';
import type { FailoverMessage, FailoverSetup } from './failover-console.js';

const setup = JSON.parse(process.env.TYREHERO_DRILL_FAILOVER ?? '{}') as FailoverSetup;
const say = (message: FailoverMessage) =>
  new Promise<void>((resolve) => process.send!(message, undefined, undefined, () => resolve()));
// The parent gone, nothing is left to answer.
process.on('disconnect', () => process.exit(0));

const config = loadConfig({ ...process.env, ...setup.env });
// Operations alerts and drDrill's synthetic messages (recorded in its database, never sent) go nowhere else.
const quiet: Notifier = { send: () => Promise.resolve() };
const failoverContainer = allDeps(config, { notifier: quiet });
const drillContainer = allDeps(config, { notifier: quiet });
// Run only for the disaster failover, after eu-west-2's kill: its server is gone by then.
const cp = new LocalGlobalDatabase({
  primary: { ...setup.servers.primary, running: false },
  standby: { ...setup.servers.standby, running: true },
});
const irelandArn = LocalGlobalDatabase.arn('eu-west-1');
let journalRestored = 0;
const deps = {
  ...failoverContainer,
  // The real settle, counted: how many acknowledged intakes the promoted database lacked.
  settleIntakeJournal: async () => {
    const journal = await failoverContainer.settleIntakeJournal();
    journalRestored += journal.restored;
    return journal;
  },
  dr: { globalClusterId: LocalGlobalDatabase.globalClusterId },
  controlPlane: { database: cp, target: cp, lag: cp },
  region: 'eu-west-1',
  activeRegionCacheMs: setup.activeRegionCacheMs,
  writer: new PostgresWriterProbe(failoverContainer.pool),
  wait: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  // As LambdaDrillVerification reads drDrill's verdict, naming what failed.
  verify: async (operator: string) => {
    const report = await runDrill(drillContainer, parseDrillInput({ dryRun: false, operator }));
    if (!('outcome' in report)) return { passed: false, detail: 'drDrill gave no verdict' };
    const passed = report.outcome === 'succeeded';
    return {
      passed,
      detail: passed
        ? 'synthetic job completed on the test fleet'
        : `drDrill ${report.outcome}: ${report.result?.failures.join('; ') ?? report.error ?? ''}`,
    };
  },
};
const input = {
  mode: 'failover',
  targetClusterArn: irelandArn,
  confirmTargetClusterId: irelandArn.slice(irelandArn.lastIndexOf(':') + 1),
  // Polled every second, for the RTO's sake, and for up to 6 minutes (the most the input allows), past the 5-minute
  // RTO: a promotion slower than that fails the drill on its RTO, not on a count of polls.
  pollSeconds: 1,
  maxPolls: 360,
  skipVerify: !setup.verify,
};

process.once('message', () => {
  void (async () => {
    try {
      await say({ kind: 'planned', plan: await failoverDatabase(deps, parseFailoverInput(input)) });
      const failover = await failoverDatabase(
        deps,
        parseFailoverInput({ ...input, dryRun: false, operator: 'region-drill' }),
      );
      await say({ kind: 'done', failover, journalRestored });
    } catch (error) {
      await say({ kind: 'failed', error: error instanceof Error ? error.message : String(error) });
    } finally {
      await closeAllDeps(failoverContainer).catch(() => undefined);
      await closeAllDeps(drillContainer).catch(() => undefined);
      process.disconnect();
    }
  })();
});
void say({ kind: 'ready' });
