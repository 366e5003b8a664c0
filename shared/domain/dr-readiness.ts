// Disaster-recovery readiness as pure rules: control-plane and data facts in, checks, status, RTO/RPO estimates out.
import { assessSeverity, type SeverityAssessment } from './incident-severity.js';

/** 'skipped': the fact cannot be read on this stage (no AWS control plane locally); it neither passes nor fails. */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skipped';

export interface DrCheck {
  name: string;
  status: CheckStatus;
  detail: string;
  /** The figures the decision was made from. */
  observed?: Record<string, unknown>;
}

export interface DrTargets {
  rtoSeconds: number;
  rpoSeconds: number;
  /** The seeds want replication lag well inside the RPO. */
  replicationLagWarnSeconds: number;
  backupMaxAgeHours: number;
  backupRetentionDays: number;
  bufferMaxHoldMinutes: number;
}

/** The DR plan's promises: RTO 5 minutes, RPO 30 seconds; lag under 10 s; a daily backup; nothing held in the buffer over 2 min. */
export const defaultDrTargets: DrTargets = {
  rtoSeconds: 300,
  rpoSeconds: 30,
  replicationLagWarnSeconds: 10,
  backupMaxAgeHours: 24,
  backupRetentionDays: 7,
  bufferMaxHoldMinutes: 2,
};

export interface ClusterFacts {
  id: string;
  arn: string;
  status: string;
  writers: number;
  members: number;
  earliestRestorableTime?: Date;
  latestRestorableTime?: Date;
  backupRetentionDays?: number;
}

export interface GlobalClusterFacts {
  id: string;
  status: string;
  members: Array<{ clusterArn: string; isWriter: boolean; synchronizationStatus?: string }>;
  /** Present while a switchover or failover is under way. */
  failover?: { status: string; fromClusterArn?: string; toClusterArn?: string; dataLossAllowed?: boolean };
}

export interface TableProtectionFacts {
  table: string;
  pointInTimeRecovery: boolean;
  replicas: Array<{ region: string; status: string }>;
}

export interface MinuteGap {
  from: Date;
  /** Exclusive. */
  until: Date;
  minutes: number;
  /** Requests the trailing rate for those hours would have brought. */
  expected: number;
  suspicious: boolean;
}

/** What happened to each fact: read, not applicable here (the local stack has no control plane), or unreadable. */
export type Fact<T> =
  { kind: 'read'; value: T } | { kind: 'not-applicable'; why: string } | { kind: 'error'; message: string };

export interface DrFacts {
  now: Date;
  cluster: Fact<ClusterFacts | undefined>;
  /** Undefined value: this stage has no global database configured. */
  globalCluster: Fact<GlobalClusterFacts | undefined>;
  lag: Fact<{ replicationLagMs?: number; rpoLagMs?: number }>;
  latestAutomatedBackup: Fact<Date | undefined>;
  tables: Fact<TableProtectionFacts[]>;
  /** Region the secondary stack runs in, when there is one: every table needs an ACTIVE replica there. */
  secondaryRegion?: string;
  buffer: Fact<{ depth: number; oldestHeldAt?: Date }>;
  lostRequests: Fact<number>;
  stuck: Fact<Array<{ status: string; count: number }>>;
  gaps: Fact<MinuteGap[]>;
  pendingRequests: Fact<number>;
}

export interface DrReport {
  status: CheckStatus;
  severity: SeverityAssessment;
  checks: DrCheck[];
  rtoEstimate: { seconds: number | null; basis: string };
  rpoEstimate: { seconds: number | null; basis: string };
  targets: DrTargets;
}

/** A silent stretch whose trailing rate promised at least this many requests is suspicious (P(silence) = e^-5 < 1%). */
export const suspiciousGapExpectedAtLeast = 5;

/**
 * The DR plan's minute-gap analysis: runs of minutes with no request, each judged against the trailing rate for the hours
 * it falls in (UTC hour of day). Silence at a busy hour is suspicious; the same silence at 4 a.m. is not.
 */
export function findMinuteGaps(
  counts: ReadonlyArray<{ minute: Date; count: number }>,
  since: Date,
  until: Date,
  ratePerMinuteByHour: ReadonlyMap<number, number>,
): MinuteGap[] {
  const busy = new Set(counts.filter((c) => c.count > 0).map((c) => c.minute.getTime()));
  const gaps: MinuteGap[] = [];
  let start: number | undefined;
  let expected = 0;
  const first = Math.ceil(since.getTime() / 60_000) * 60_000;
  const close = (end: number) => {
    if (start === undefined) return;
    gaps.push({
      from: new Date(start),
      until: new Date(end),
      minutes: (end - start) / 60_000,
      expected: Math.round(expected * 100) / 100,
      suspicious: expected >= suspiciousGapExpectedAtLeast,
    });
    start = undefined;
    expected = 0;
  };
  for (let t = first; t + 60_000 <= until.getTime(); t += 60_000) {
    if (busy.has(t)) {
      close(t);
      continue;
    }
    start ??= t;
    expected += ratePerMinuteByHour.get(new Date(t).getUTCHours()) ?? 0;
  }
  close(Math.floor(until.getTime() / 60_000) * 60_000);
  return gaps;
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;
const check = (name: string, status: CheckStatus, detail: string, observed?: Record<string, unknown>): DrCheck => ({
  name,
  status,
  detail,
  ...(observed ? { observed } : {}),
});

/** Not-applicable facts are skipped with a note (never reported as passed); unreadable ones fail, because an unverifiable DR setup is not a ready one. */
function judge<T>(name: string, fact: Fact<T>, rule: (value: T) => DrCheck): DrCheck {
  if (fact.kind === 'not-applicable') return check(name, 'skipped', `not checked: ${fact.why}`);
  if (fact.kind === 'error') return check(name, 'fail', `could not be read: ${fact.message}`);
  return rule(fact.value);
}

export function assessDrReadiness(facts: DrFacts, targets: DrTargets = defaultDrTargets): DrReport {
  const now = facts.now.getTime();
  const checks: DrCheck[] = [
    judge('aurora-cluster', facts.cluster, (c) => {
      if (!c) return check('aurora-cluster', 'fail', 'the Aurora cluster was not found');
      const observed = { status: c.status, writers: c.writers, members: c.members };
      if (c.status !== 'available') return check('aurora-cluster', 'fail', `cluster ${c.id} is ${c.status}`, observed);
      if (c.writers !== 1)
        return check(
          'aurora-cluster',
          'fail',
          `cluster ${c.id} has ${c.writers} writers; exactly one is expected`,
          observed,
        );
      if (c.members < 2)
        return check('aurora-cluster', 'warn', `cluster ${c.id} has no reader to fail over to in-region`, observed);
      return check(
        'aurora-cluster',
        'pass',
        `cluster ${c.id} available with one writer and ${c.members - 1} reader(s)`,
        observed,
      );
    }),
    judge('global-database', facts.globalCluster, (g) => {
      if (!g)
        return check(
          'global-database',
          'warn',
          'no global database is configured: losing the region means a restore, not a failover',
        );
      const observed = { status: g.status, members: g.members.length, failover: g.failover?.status };
      if (g.failover && !['completed', 'cancelled'].includes(g.failover.status)) {
        return check(
          'global-database',
          'fail',
          `a ${g.failover.dataLossAllowed ? 'failover' : 'switchover'} is in progress (${g.failover.status}) from ${g.failover.fromClusterArn ?? '?'} to ${g.failover.toClusterArn ?? '?'}`,
          observed,
        );
      }
      if (g.status !== 'available')
        return check('global-database', 'fail', `global cluster ${g.id} is ${g.status}`, observed);
      const writers = g.members.filter((m) => m.isWriter).length;
      const secondaries = g.members.filter((m) => !m.isWriter);
      if (writers !== 1 || secondaries.length === 0)
        return check(
          'global-database',
          'fail',
          `global cluster ${g.id} has ${writers} writer(s) and ${secondaries.length} secondary cluster(s)`,
          observed,
        );
      const unsynced = secondaries.filter((m) => m.synchronizationStatus && m.synchronizationStatus !== 'connected');
      if (unsynced.length)
        return check(
          'global-database',
          'fail',
          `secondary ${unsynced.map((m) => `${m.clusterArn} is ${m.synchronizationStatus}`).join(', ')}`,
          observed,
        );
      return check(
        'global-database',
        'pass',
        `global cluster ${g.id}: one writer, ${secondaries.length} secondary replicating`,
        observed,
      );
    }),
    judge('replication-lag', facts.lag, (l) => {
      const observed = {
        replicationLagSeconds: l.replicationLagMs === undefined ? null : seconds(l.replicationLagMs),
        rpoLagSeconds: l.rpoLagMs === undefined ? null : seconds(l.rpoLagMs),
      };
      if (l.replicationLagMs === undefined && l.rpoLagMs === undefined)
        return check(
          'replication-lag',
          'warn',
          'no AuroraGlobalDBReplicationLag or AuroraGlobalDBRPOLag datapoints in the last 5 minutes',
          observed,
        );
      const worst = Math.max(l.replicationLagMs ?? 0, l.rpoLagMs ?? 0);
      if (worst > targets.rpoSeconds * 1000)
        return check(
          'replication-lag',
          'fail',
          `lag ${seconds(worst)} s exceeds the ${targets.rpoSeconds} s RPO`,
          observed,
        );
      if (worst > targets.replicationLagWarnSeconds * 1000)
        return check(
          'replication-lag',
          'warn',
          `lag ${seconds(worst)} s is inside the RPO but above the ${targets.replicationLagWarnSeconds} s target`,
          observed,
        );
      return check('replication-lag', 'pass', `lag ${seconds(worst)} s`, observed);
    }),
    judge('backups', facts.cluster, (c) => {
      if (!c) return check('backups', 'fail', 'no cluster, so no backups');
      const backup = facts.latestAutomatedBackup.kind === 'read' ? facts.latestAutomatedBackup.value : undefined;
      const observed = {
        latestRestorableTime: c.latestRestorableTime?.toISOString() ?? null,
        earliestRestorableTime: c.earliestRestorableTime?.toISOString() ?? null,
        retentionDays: c.backupRetentionDays ?? null,
        latestAutomatedBackup: backup?.toISOString() ?? null,
      };
      if (facts.latestAutomatedBackup.kind === 'error')
        return check(
          'backups',
          'fail',
          `automated backups could not be read: ${facts.latestAutomatedBackup.message}`,
          observed,
        );
      if (!c.latestRestorableTime || now - c.latestRestorableTime.getTime() > 10 * 60_000)
        return check('backups', 'fail', 'point-in-time recovery is behind by more than 10 minutes', observed);
      if ((c.backupRetentionDays ?? 0) < targets.backupRetentionDays)
        return check(
          'backups',
          'fail',
          `retention is ${c.backupRetentionDays ?? 0} days; ${targets.backupRetentionDays} are configured`,
          observed,
        );
      if (!backup || now - backup.getTime() > targets.backupMaxAgeHours * 3_600_000)
        return check(
          'backups',
          'fail',
          `the latest automated backup is older than ${targets.backupMaxAgeHours} h`,
          observed,
        );
      const windowDays = c.earliestRestorableTime
        ? (c.latestRestorableTime.getTime() - c.earliestRestorableTime.getTime()) / 86_400_000
        : 0;
      // A young cluster cannot have a full window yet: short is a warning, not a failure.
      if (windowDays < targets.backupRetentionDays - 1)
        return check(
          'backups',
          'warn',
          `the restorable window is ${windowDays.toFixed(1)} days, short of the ${targets.backupRetentionDays}-day retention`,
          observed,
        );
      return check(
        'backups',
        'pass',
        `restorable window ${windowDays.toFixed(1)} days, latest backup ${((now - backup.getTime()) / 3_600_000).toFixed(1)} h old`,
        observed,
      );
    }),
    judge('dynamodb-pitr', facts.tables, (tables) => {
      const off = tables.filter((t) => !t.pointInTimeRecovery).map((t) => t.table);
      return off.length
        ? check('dynamodb-pitr', 'fail', `point-in-time recovery is off on ${off.join(', ')}`, { off })
        : check('dynamodb-pitr', 'pass', `on for all ${tables.length} tables`);
    }),
    judge('dynamodb-replicas', facts.tables, (tables) => {
      if (!facts.secondaryRegion)
        return check('dynamodb-replicas', 'warn', 'no secondary region is configured: the tables have no replicas');
      const problems = tables.flatMap((t) => {
        const replica = t.replicas.find((r) => r.region === facts.secondaryRegion);
        if (!replica) return [`${t.table} has no replica in ${facts.secondaryRegion}`];
        return replica.status === 'ACTIVE'
          ? []
          : [`${t.table} replica in ${facts.secondaryRegion} is ${replica.status}`];
      });
      return problems.length
        ? check('dynamodb-replicas', 'fail', problems.join('; '))
        : check('dynamodb-replicas', 'pass', `every table has an ACTIVE replica in ${facts.secondaryRegion}`);
    }),
    judge('intake-buffer', facts.buffer, (b) => {
      const heldMinutes = b.oldestHeldAt ? (now - b.oldestHeldAt.getTime()) / 60_000 : 0;
      const observed = { depth: b.depth, oldestHeldMinutes: Math.round(heldMinutes * 10) / 10 };
      if (b.depth === 0) return check('intake-buffer', 'pass', 'empty', observed);
      if (heldMinutes > targets.bufferMaxHoldMinutes)
        return check(
          'intake-buffer',
          'fail',
          `${b.depth} emergency(ies) held, the oldest for ${observed.oldestHeldMinutes} min (over ${targets.bufferMaxHoldMinutes}): the drain is not reaching PostgreSQL`,
          observed,
        );
      return check(
        'intake-buffer',
        'warn',
        `${b.depth} emergency(ies) held briefly; the drain should empty it within a minute`,
        observed,
      );
    }),
    judge('lost-requests', facts.lostRequests, (n) =>
      n > 0
        ? check(
            'lost-requests',
            'fail',
            `${n} request(s) in the audit trail are missing from emergency_requests: run drRecover`,
            { lost: n },
          )
        : check('lost-requests', 'pass', 'every audited request is stored'),
    ),
    judge('stuck-requests', facts.stuck, (stuck) => {
      const total = stuck.reduce((sum, s) => sum + s.count, 0);
      return total > 0
        ? check(
            'stuck-requests',
            'warn',
            stuck.map((s) => `${s.count} ${s.status}`).join(', ') + ' beyond their thresholds',
            { stuck },
          )
        : check('stuck-requests', 'pass', 'no request is stuck in a status');
    }),
    judge('minute-gaps', facts.gaps, (gaps) => {
      const suspicious = gaps.filter((g) => g.suspicious);
      const observed = {
        gaps: gaps.length,
        suspicious: suspicious.map((g) => ({ from: g.from.toISOString(), minutes: g.minutes, expected: g.expected })),
      };
      return suspicious.length
        ? check(
            'minute-gaps',
            'fail',
            suspicious
              .map(
                (g) =>
                  `no request for ${g.minutes} min from ${g.from.toISOString()} where the trailing rate expects ${g.expected}`,
              )
              .join('; '),
            observed,
          )
        : check('minute-gaps', 'pass', `${gaps.length} quiet stretch(es), none unusual for their hour`, observed);
    }),
  ];

  const failed = (name: string) => checks.find((c) => c.name === name)?.status === 'fail';
  const status: CheckStatus = checks.some((c) => c.status === 'fail')
    ? 'fail'
    : checks.some((c) => c.status === 'warn')
      ? 'warn'
      : 'pass';
  const lost = facts.lostRequests.kind === 'read' ? facts.lostRequests.value : 0;
  const severity = assessSeverity({
    service: failed('aurora-cluster') ? 'down' : status === 'fail' ? 'degraded' : 'up',
    affectedCustomers: lost,
    dataIntegrityFailure: failed('lost-requests') || failed('minute-gaps'),
    security: 'none',
    queueLength: facts.pendingRequests.kind === 'read' ? facts.pendingRequests.value : 0,
  });
  return { status, severity, checks, ...estimates(facts, checks, targets), targets };
}

/**
 * Managed global failover is typically 1–2 min (AWS quotes "typically under a minute" for switchover of the write role, we
 * budget 120 s), then Route 53 needs 3 failed health checks at 30 s and the 60 s TTL to move clients: 270 s, inside 300.
 * Without a healthy secondary the path is a point-in-time restore, budgeted at an hour.
 */
function estimates(
  facts: DrFacts,
  checks: DrCheck[],
  targets: DrTargets,
): Pick<DrReport, 'rtoEstimate' | 'rpoEstimate'> {
  const globalOk = checks.find((c) => c.name === 'global-database')?.status === 'pass';
  const global = facts.globalCluster.kind === 'read' ? facts.globalCluster.value : undefined;
  const rtoEstimate = globalOk
    ? {
        seconds: 120 + 3 * 30 + 60,
        basis: 'global database failover (120 s) + Route 53 health checks (3 × 30 s) + DNS TTL (60 s)',
      }
    : global === undefined && facts.globalCluster.kind !== 'read'
      ? { seconds: null, basis: 'no control plane to read here' }
      : {
          seconds: 3600,
          basis: `no healthy secondary: restore to a point in time (budget 1 h), far beyond the ${targets.rtoSeconds} s RTO`,
        };
  const lag =
    facts.lag.kind === 'read' ? Math.max(facts.lag.value.rpoLagMs ?? -1, facts.lag.value.replicationLagMs ?? -1) : -1;
  const cluster = facts.cluster.kind === 'read' ? facts.cluster.value : undefined;
  const rpoEstimate =
    globalOk && lag >= 0
      ? {
          seconds: seconds(lag),
          basis: 'AuroraGlobalDBRPOLag / ReplicationLag: writes not yet in the secondary region',
        }
      : cluster?.latestRestorableTime
        ? {
            seconds: seconds(facts.now.getTime() - cluster.latestRestorableTime.getTime()),
            basis: 'time since the latest restorable time (point-in-time restore)',
          }
        : { seconds: null, basis: 'no control plane to read here' };
  return { rtoEstimate, rpoEstimate };
}
