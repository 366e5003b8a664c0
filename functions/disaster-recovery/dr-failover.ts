// drFailover (and drFailback, the same steps the other way): moves the whole service to this region in one operation:
// promote the database, wait until it takes writes, flip the active-region record, drain the intake buffer here, verify
// with the synthetic job on the test fleet, and report each step's time against the RTO. Planned (switchover) or in a
// disaster (failover).
import * as z from 'zod';
import { ValidationError } from '#shared/domain/errors.js';
import type { ActiveRegionStore } from '#shared/ports/active-region.js';
import type { DrainReport } from '#shared/ports/intake-buffer.js';
import type { DrTargets, GlobalClusterFacts } from '#shared/domain/dr-readiness.js';
import { defaultDrTargets } from '#shared/domain/dr-readiness.js';
import type { DatabaseControlPlane, ReplicationLagReader } from '#shared/ports/dr-control-plane.js';
import { parseConsoleInput, runDrOperation, type DrOperationDeps, type OperationReport } from './dr-operation.js';

export interface FailoverDeps extends DrOperationDeps {
  dr: { globalClusterId?: string; secondaryClusterId?: string };
  /** The control plane of the region being promoted (its cluster is described there). */
  controlPlane?: { database: DatabaseControlPlane; target: DatabaseControlPlane; lag: ReplicationLagReader };
  /** Waits between polls; tests pass one that only moves their clock. */
  wait: (ms: number) => Promise<void>;
  targets?: DrTargets;
  /** The region this runs in: the one being promoted, which the record will name. */
  region: string;
  /** The replicated record every function reads to know where to serve. */
  activeRegion: ActiveRegionStore;
  /** How long a function may keep the record it read (ACTIVE_REGION_CACHE_MS): waited after the flip. */
  activeRegionCacheMs: number;
  /** This region's database as its functions reach it: does it take writes yet (promoted, proxy following)? */
  writer: { acceptsWrites(): Promise<boolean> };
  /** Stores what the intake buffer holds, as the scheduled drain does (functions/intake, wired by the composition). */
  drainIntakeBuffer(): Promise<DrainReport>;
  /** Puts back acknowledged intakes the journal has and this database lacks (functions/intake, as the drain does). */
  settleIntakeJournal(): Promise<{ kept: number; restored: number }>;
  /** The synthetic job on the test fleet, end to end in this region, as drDrill runs it. */
  verify(operator: string): Promise<{ passed: boolean; detail: string }>;
}

export const parseFailoverInput = (event: unknown) =>
  parseConsoleInput(
    {
      mode: z.enum(['switchover', 'failover']).default('switchover'),
      /** The secondary cluster to promote, as an ARN (AWS needs the ARN for cross-region members). */
      targetClusterArn: z
        .string()
        .regex(/^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster:[A-Za-z][A-Za-z0-9-]{0,62}$/, 'an Aurora cluster ARN'),
      /** Disaster failover only: the target cluster identifier typed again, exactly, to accept losing unreplicated writes. */
      confirmTargetClusterId: z.string().optional(),
      pollSeconds: z.number().int().min(1).max(60).default(10),
      maxPolls: z.number().int().min(1).max(360).default(60),
      /** Skip the synthetic job at the end (it needs the test fleet's technician and takes ~10 s). */
      skipVerify: z.boolean().default(false),
    },
    event,
  );

export type FailoverInput = ReturnType<typeof parseFailoverInput>;

/** drFailback moves back to a region that is healthy again: always a switchover, never a failover that may lose writes. */
export function parseFailbackInput(event: unknown): FailoverInput {
  const input = parseFailoverInput(event);
  if (input.mode !== 'switchover')
    throw new ValidationError(
      'drFailback is planned only: mode must be switchover (the old primary is healthy again)',
      [{ field: 'mode', message: 'must be switchover' }],
    );
  return input;
}

const clusterIdOf = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);
const settled = (g: GlobalClusterFacts | undefined, targetArn: string) =>
  Boolean(
    g &&
    g.status === 'available' &&
    (!g.failover || ['completed', 'cancelled'].includes(g.failover.status)) &&
    g.members.find((m) => m.clusterArn === targetArn)?.isWriter,
  );

export type FailoverStepName = 'promote' | 'wait-for-writer' | 'flip-active-region' | 'drain-buffer' | 'verify';

export interface FailoverStep {
  name: FailoverStepName;
  ok: boolean;
  seconds: number;
  detail: string;
}

export interface FailoverResult {
  settled: boolean;
  polls: number;
  /** From the first command to the end of the last step. */
  elapsedSeconds: number;
  rtoSeconds: number;
  withinRto: boolean;
  writer?: string;
  /** Each step in order with its own time; a failed step ends the run (the ones after it are not attempted). */
  steps: FailoverStep[];
  /** The region the active-region record names at the end. */
  activeRegion?: string;
}

export async function failoverDatabase(
  deps: FailoverDeps,
  input: FailoverInput,
): Promise<OperationReport<Record<string, unknown>, FailoverResult>> {
  const targets = deps.targets ?? defaultDrTargets;
  const cp = deps.controlPlane;
  const globalId = deps.dr.globalClusterId;
  const targetId = clusterIdOf(input.targetClusterArn);
  const refusals: string[] = [];
  let global: GlobalClusterFacts | undefined;
  let lagSeconds: number | undefined;

  if (!cp || !globalId)
    refusals.push('this stage has no global database (DR_CONTROL_PLANE=aws and DR_GLOBAL_CLUSTER_ID are needed)');
  else {
    global = await cp.database.describeGlobalCluster(globalId);
    const member = global?.members.find((m) => m.clusterArn === input.targetClusterArn);
    if (!global) refusals.push(`global cluster ${globalId} was not found`);
    else if (global.failover && !['completed', 'cancelled'].includes(global.failover.status))
      refusals.push(`a ${global.failover.status} is already in progress`);
    else if (!member) refusals.push(`${input.targetClusterArn} is not a member of ${globalId}`);
    else if (member.isWriter) refusals.push(`${targetId} is already the writer`);
    const target = await cp.target.describeCluster(input.targetClusterArn);
    if (!target || target.status !== 'available')
      refusals.push(`target cluster ${targetId} is ${target?.status ?? 'missing'}, not available`);
    if (input.mode === 'switchover') {
      const now = deps.clock.now();
      const lag = await cp.lag.read(targetId, new Date(now.getTime() - 5 * 60_000), now);
      const worst = Math.max(lag.rpoLagMs ?? -1, lag.replicationLagMs ?? -1);
      lagSeconds = worst < 0 ? undefined : worst / 1000;
      if (lagSeconds === undefined)
        refusals.push('no replication lag datapoints: cannot confirm the secondary is caught up');
      else if (lagSeconds > targets.replicationLagWarnSeconds)
        refusals.push(
          `replication lag ${lagSeconds} s is over ${targets.replicationLagWarnSeconds} s: wait, or use a disaster failover`,
        );
    } else if (input.confirmTargetClusterId !== targetId) {
      refusals.push(
        `a disaster failover can lose writes not yet replicated: repeat the target cluster id exactly as confirmTargetClusterId ("${targetId}") to go ahead`,
      );
    }
  }

  const command = input.mode === 'switchover' ? 'SwitchoverGlobalCluster' : 'FailoverGlobalCluster with AllowDataLoss';
  const writer = global?.members.find((m) => m.isWriter)?.clusterArn;
  const planText = [
    `1. Pre-checks: target ${targetId} available${input.mode === 'switchover' ? `, replication lag under ${targets.replicationLagWarnSeconds} s (now ${lagSeconds ?? '?'} s)` : ', target id confirmed by the caller'}.`,
    `2. ${command} on ${globalId ?? '?'}: ${writer ?? 'the current writer'} → ${input.targetClusterArn}.`,
    `3. Poll the global cluster every ${input.pollSeconds} s (at most ${input.maxPolls} times) until ${targetId} is the writer and no failover is in progress; report the time against the ${targets.rtoSeconds} s RTO.`,
    `4. Wait until this region's database takes writes (through its proxy), polling as above.`,
    `5. Flip the active-region record to ${deps.region} and wait ${deps.activeRegionCacheMs / 1000} s, until every function has read it: the other region's /health answers 503 standby (Route 53 moves the name, TTL 60 s), its routes refuse with 503 + Retry-After, its scheduled writers stop and these start.`,
    '6. Drain the intake buffer here (every request held while the database was moving is stored) and put back every acknowledged intake the journal has and this database lacks.',
    input.skipVerify
      ? '7. (skipped by the caller) the synthetic job on the test fleet.'
      : '7. Verify: the synthetic job on the test fleet, end to end in this region (drDrill).',
    `8. Report each step's time against the ${targets.rtoSeconds} s RTO.`,
    input.mode === 'failover'
      ? 'Afterwards: drCheck; drRecover here replays anything the audit trail has that the database lacks; the old primary must be rebuilt as a secondary before drFailback.'
      : 'Afterwards: drCheck; the old primary is now a secondary, and drFailback moves back when wanted.',
  ];

  return runDrOperation(deps, {
    kind: 'failover',
    dryRun: input.dryRun,
    operator: input.operator,
    plan: {
      mode: input.mode,
      globalClusterId: globalId,
      from: writer,
      to: input.targetClusterArn,
      lagSeconds: lagSeconds ?? null,
    },
    planText,
    refusals,
    execute: async () => {
      const started = deps.clock.now().getTime();
      const steps: FailoverStep[] = [];
      const step = async (name: FailoverStepName, run: () => Promise<{ ok: boolean; detail: string }>) => {
        const at = deps.clock.now().getTime();
        let outcome: { ok: boolean; detail: string };
        try {
          outcome = await run();
        } catch (error) {
          outcome = { ok: false, detail: error instanceof Error ? error.message : String(error) };
        }
        steps.push({ name, ...outcome, seconds: (deps.clock.now().getTime() - at) / 1000 });
        return outcome.ok;
      };
      let polls = 0;
      let last: GlobalClusterFacts | undefined;
      const promoted = await step('promote', async () => {
        if (input.mode === 'switchover') await cp!.database.switchover(globalId!, input.targetClusterArn);
        else await cp!.database.failover(globalId!, input.targetClusterArn);
        while (polls < input.maxPolls) {
          await deps.wait(input.pollSeconds * 1000);
          polls++;
          last = await cp!.database.describeGlobalCluster(globalId!);
          if (settled(last, input.targetClusterArn)) break;
        }
        const ok = settled(last, input.targetClusterArn);
        return {
          ok,
          detail: ok ? `${targetId} is the writer after ${polls} poll(s)` : `not settled after ${polls} polls`,
        };
      });
      const writable =
        promoted &&
        (await step('wait-for-writer', async () => {
          for (let attempt = 1; attempt <= input.maxPolls; attempt++) {
            if (await deps.writer.acceptsWrites().catch(() => false))
              return { ok: true, detail: `takes writes (attempt ${attempt})` };
            await deps.wait(input.pollSeconds * 1000);
          }
          return { ok: false, detail: `still read-only after ${input.maxPolls} attempts` };
        }));
      const flipped =
        writable &&
        (await step('flip-active-region', async () => {
          await deps.activeRegion.write({
            region: deps.region,
            since: deps.clock.now(),
            by: input.operator ?? 'drFailover',
          });
          // Every function keeps what it read for at most this long: after it, none acts in the old region.
          await deps.wait(deps.activeRegionCacheMs);
          return { ok: true, detail: `the record names ${deps.region}` };
        }));
      const drained =
        flipped &&
        (await step('drain-buffer', async () => {
          const report = await deps.drainIntakeBuffer();
          if (report.databaseUnavailable)
            return { ok: false, detail: `database unavailable, ${report.leftInBuffer} left` };
          const journal = await deps.settleIntakeJournal();
          return {
            ok: true,
            detail: `${report.replayed} stored, ${report.alreadyStored} already stored, ${report.leftInBuffer} left; journal: ${journal.restored} of ${journal.kept} kept put back`,
          };
        }));
      if (drained && !input.skipVerify)
        await step('verify', async () => {
          const verdict = await deps.verify(input.operator ?? 'drFailover');
          return { ok: verdict.passed, detail: verdict.detail };
        });
      const elapsedSeconds = Math.round((deps.clock.now().getTime() - started) / 1000);
      const ok = steps.length === (input.skipVerify ? 4 : 5) && steps.every((s) => s.ok);
      return {
        settled: ok,
        polls,
        elapsedSeconds,
        rtoSeconds: targets.rtoSeconds,
        withinRto: ok && elapsedSeconds <= targets.rtoSeconds,
        writer: last?.members.find((m) => m.isWriter)?.clusterArn,
        steps,
        activeRegion: (await deps.activeRegion.read().catch(() => undefined))?.region,
      };
    },
    succeeded: (r) => r.settled,
  });
}
