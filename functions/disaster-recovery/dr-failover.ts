// drFailover: moves the Aurora Global Database writer to the secondary region, planned (switchover) or in a disaster (failover).
import * as z from 'zod';
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
    },
    event,
  );

export type FailoverInput = ReturnType<typeof parseFailoverInput>;

const clusterIdOf = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);
const settled = (g: GlobalClusterFacts | undefined, targetArn: string) =>
  Boolean(
    g &&
    g.status === 'available' &&
    (!g.failover || ['completed', 'cancelled'].includes(g.failover.status)) &&
    g.members.find((m) => m.clusterArn === targetArn)?.isWriter,
  );

export interface FailoverResult {
  settled: boolean;
  polls: number;
  elapsedSeconds: number;
  rtoSeconds: number;
  withinRto: boolean;
  writer?: string;
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
    '4. Traffic moves by itself: Route 53 failover records send the API name to the region whose /health answers (TTL 60 s).',
    input.mode === 'failover'
      ? '5. Afterwards: run drCheck, then drRecover in the new primary to replay any intake-buffer items; the old primary must be rebuilt as a secondary.'
      : '5. Afterwards: run drCheck; the old primary is now a secondary.',
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
      if (input.mode === 'switchover') await cp!.database.switchover(globalId!, input.targetClusterArn);
      else await cp!.database.failover(globalId!, input.targetClusterArn);
      let polls = 0;
      let last: GlobalClusterFacts | undefined;
      while (polls < input.maxPolls) {
        await deps.wait(input.pollSeconds * 1000);
        polls++;
        last = await cp!.database.describeGlobalCluster(globalId!);
        if (settled(last, input.targetClusterArn)) break;
      }
      const elapsedSeconds = Math.round((deps.clock.now().getTime() - started) / 1000);
      const ok = settled(last, input.targetClusterArn);
      return {
        settled: ok,
        polls,
        elapsedSeconds,
        rtoSeconds: targets.rtoSeconds,
        withinRto: ok && elapsedSeconds <= targets.rtoSeconds,
        writer: last?.members.find((m) => m.isWriter)?.clusterArn,
      };
    },
    succeeded: (r) => r.settled,
  });
}
