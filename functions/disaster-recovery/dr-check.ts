// drCheck: gathers every DR readiness fact (control planes, intake buffer, integrity SQL), judges them, alerts on failure.
import type { DrConfig } from './config.js';
import {
  assessDrReadiness,
  defaultDrTargets,
  findMinuteGaps,
  type DrFacts,
  type DrReport,
  type Fact,
} from '#shared/domain/dr-readiness.js';
import { severityPrefix } from '#shared/domain/incident-severity.js';
import type { Clock } from '#shared/ports/clock.js';
import type { RecoveryStore } from '#shared/ports/disaster-recovery.js';
import type {
  DatabaseControlPlane,
  ReplicationLagReader,
  TableProtectionReader,
} from '#shared/ports/dr-control-plane.js';
import type { IntakeBuffer } from '#shared/ports/intake-buffer.js';
import type { Log } from '#shared/ports/logger.js';
import type { Notifier } from '#shared/ports/notifier.js';
import type { RequestStore } from '#shared/ports/request-store.js';
import { notify } from '#shared/ports/notifier.js';

export interface DrCheckDeps {
  dr: DrConfig;
  /** Absent where there is no control plane (the local stack). */
  controlPlane?: { database: DatabaseControlPlane; lag: ReplicationLagReader; tables: TableProtectionReader };
  tableNames: string[];
  recovery: RecoveryStore;
  requests: Pick<RequestStore, 'countPending'>;
  intakeBuffer: Pick<IntakeBuffer, 'list'>;
  notifier: Notifier;
  clock: Clock;
  log: Log;
}

/** The buffer is empty but for an outage; more than this many items is itself a finding, read in one scan. */
const bufferScanLimit = 1000;
const lagWindowMs = 5 * 60_000;

async function fact<T>(read: () => Promise<T>): Promise<Fact<T>> {
  try {
    return { kind: 'read', value: await read() };
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

const notApplicable = {
  kind: 'not-applicable',
  why: 'no AWS control plane on this stage (DR_CONTROL_PLANE=none)',
} as const;

export async function checkDisasterRecovery(deps: DrCheckDeps): Promise<DrReport> {
  const now = deps.clock.now();
  const { dr, controlPlane: cp } = deps;
  const gapSince = new Date(now.getTime() - dr.gapWindowMinutes * 60_000);

  const [
    cluster,
    globalCluster,
    lag,
    latestAutomatedBackup,
    tables,
    buffer,
    lostRequests,
    stuck,
    gaps,
    pendingRequests,
  ] = await Promise.all([
    cp && dr.clusterId ? fact(() => cp.database.describeCluster(dr.clusterId!)) : notApplicable,
    cp
      ? dr.globalClusterId
        ? fact(() => cp.database.describeGlobalCluster(dr.globalClusterId!))
        : ({ kind: 'read', value: undefined } as const)
      : notApplicable,
    cp && dr.secondaryClusterId
      ? fact(() => cp.lag.read(dr.secondaryClusterId!, new Date(now.getTime() - lagWindowMs), now))
      : cp
        ? ({ kind: 'read', value: {} } as const)
        : notApplicable,
    cp && dr.clusterId ? fact(() => cp.database.latestAutomatedBackup(dr.clusterId!)) : notApplicable,
    cp ? fact(() => Promise.all(deps.tableNames.map((t) => cp.tables.describe(t)))) : notApplicable,
    fact(async () => {
      const held = await deps.intakeBuffer.list(bufferScanLimit);
      const oldest = held.reduce<Date | undefined>(
        (min, h) => (!min || h.createdAt < min ? h.createdAt : min),
        undefined,
      );
      return { depth: held.length, ...(oldest ? { oldestHeldAt: oldest } : {}) };
    }),
    fact(async () => (await deps.recovery.findLostRequests(bufferScanLimit)).length),
    fact(() => deps.recovery.findStuck(now, dr.stuckMinutes)),
    fact(async () => {
      const counts = await deps.recovery.minuteCounts(gapSince, now);
      const rates = await deps.recovery.hourlyRates(new Date(now.getTime() - dr.trailingDays * 86_400_000), gapSince);
      return findMinuteGaps(counts, gapSince, now, rates);
    }),
    fact(() => deps.requests.countPending()),
  ]);

  const facts: DrFacts = {
    now,
    cluster,
    globalCluster,
    lag,
    latestAutomatedBackup,
    tables,
    buffer,
    lostRequests,
    stuck,
    gaps,
    pendingRequests,
    ...(dr.secondaryRegion ? { secondaryRegion: dr.secondaryRegion } : {}),
  };
  const report = assessDrReadiness(facts, { ...defaultDrTargets, backupRetentionDays: dr.backupRetentionDays });
  deps.log.info('dr check', {
    status: report.status,
    severity: report.severity.severity,
    failed: report.checks.filter((c) => c.status === 'fail').map((c) => c.name),
  });
  if (report.status === 'fail') {
    const failed = report.checks.filter((c) => c.status === 'fail');
    await notify(deps, {
      channel: 'operations',
      purpose: 'dr-check-failed',
      subject: `${severityPrefix(report.severity)} TyreHero DR check failed: ${failed.map((c) => c.name).join(', ')}`,
      text: [
        ...failed.map((c) => `${c.name}: ${c.detail}`),
        `RTO estimate ${report.rtoEstimate.seconds ?? '?'} s (${report.rtoEstimate.basis}); RPO estimate ${report.rpoEstimate.seconds ?? '?'} s.`,
      ].join('\n'),
    });
  }
  return report;
}
