// drRestore: from a point in time to a cluster the service uses: restores the Aurora cluster into a new cluster placed
// as the source is, adds its writer, and moves the RDS Proxy's target to it, each step timed; a dry run plans it all.
import * as z from 'zod';
import type { ProxyTarget, RestoreControlPlane, RestorePlacement } from '#shared/ports/dr-control-plane.js';
import { parseConsoleInput, runDrOperation, type DrOperationDeps, type OperationReport } from './dr-operation.js';

export interface RestoreDeps extends DrOperationDeps {
  dr: { clusterId?: string; proxyName?: string; restoreClusterPrefix?: string };
  controlPlane?: { restore: RestoreControlPlane };
  /** Waits between polls; tests pass one that only moves their clock. */
  wait: (ms: number) => Promise<void>;
}

export const parseRestoreInput = (event: unknown) =>
  parseConsoleInput(
    {
      restoreTime: z.iso.datetime({ offset: true }),
      /** A new cluster, named with the stage's restore prefix: a restore never overwrites the cluster in service. */
      targetClusterId: z
        .string()
        .regex(/^[A-Za-z][A-Za-z0-9-]{0,53}$/, 'a cluster identifier: a letter, then letters, digits or hyphens'),
      pollSeconds: z.number().int().min(1).max(120).default(30),
      /**
       * How long this invocation may wait in all (Lambda stops it at 900 s). A restore and its writer often take longer:
       * invoke again with the same input and the steps already done are skipped.
       */
      waitBudgetSeconds: z.number().int().min(0).max(840).default(780),
    },
    event,
  );

export type RestoreInput = ReturnType<typeof parseRestoreInput>;

export type RestoreStepName =
  'restore-cluster' | 'wait-for-cluster' | 'create-writer' | 'wait-for-writer' | 'switch-proxy' | 'wait-for-proxy';

export interface RestoreStep {
  name: RestoreStepName;
  ok: boolean;
  seconds: number;
  detail: string;
}

export interface RestoreResult {
  targetClusterId: string;
  targetClusterArn?: string;
  writerInstanceId: string;
  /** The cluster the proxy served before the switch (undefined when it had none). */
  previousProxyTarget?: string;
  /** Each step in order with its own time; a failed step ends the run (the ones after it are not attempted). */
  steps: RestoreStep[];
  /** Every step done: the proxy serves the restored cluster through its writer. */
  complete: boolean;
  /** Where things are now, in words, and what to do next when not complete. */
  state: string;
}

const writerOf = (clusterId: string) => `${clusterId}-writer`;
const describePlacement = (p: RestorePlacement) =>
  `subnet group ${p.subnetGroup}, security groups ${p.securityGroupIds.join(', ') || 'none'}, parameter group ${p.clusterParameterGroup ?? 'default'}, ${p.capacity ? `${p.capacity.minAcu}–${p.capacity.maxAcu} ACU` : 'no serverless capacity'}, the source's key`;
const proxyCluster = (targets: ProxyTarget[]) => targets.find((t) => t.type === 'cluster')?.clusterId;

export async function restoreDatabase(
  deps: RestoreDeps,
  input: RestoreInput,
): Promise<OperationReport<Record<string, unknown>, RestoreResult>> {
  const cp = deps.controlPlane?.restore;
  const { clusterId: source, proxyName, restoreClusterPrefix: prefix } = deps.dr;
  const target = input.targetClusterId;
  const writer = writerOf(target);
  const restoreTime = new Date(input.restoreTime);
  const refusals: string[] = [];
  let window: { earliest?: string; latest?: string } = {};
  let placement: RestorePlacement | undefined;
  let existing: string | undefined;
  let servedBy: string | undefined;

  if (!cp || !source || !proxyName || !prefix)
    refusals.push(
      'this stage has no control plane to restore with (DR_CONTROL_PLANE=aws, DR_CLUSTER_ID, DR_PROXY_NAME and DR_RESTORE_CLUSTER_PREFIX are needed)',
    );
  else if (!target.startsWith(prefix) || target === prefix)
    refusals.push(`targetClusterId must start with ${prefix} (the only clusters drRestore may create and change)`);
  else {
    existing = (await cp.describeCluster(target))?.status;
    if (existing === undefined) {
      const cluster = await cp.describeCluster(source);
      window = {
        earliest: cluster?.earliestRestorableTime?.toISOString(),
        latest: cluster?.latestRestorableTime?.toISOString(),
      };
      if (!cluster?.earliestRestorableTime || !cluster.latestRestorableTime)
        refusals.push(`cluster ${source} has no restorable window`);
      else if (restoreTime < cluster.earliestRestorableTime || restoreTime > cluster.latestRestorableTime)
        refusals.push(
          `${restoreTime.toISOString()} is outside the restorable window ${window.earliest} – ${window.latest}`,
        );
      placement = await cp.placementOf(source);
      if (!placement) refusals.push(`cluster ${source} has no subnet group to place the restore in`);
    }
    servedBy = proxyCluster(await cp.proxyTargets(proxyName));
  }

  const poll = `every ${input.pollSeconds} s`;
  const planText = [
    existing === undefined
      ? `1. Pre-checks: ${restoreTime.toISOString()} inside the restorable window (${window.earliest ?? '?'} – ${window.latest ?? '?'}); ${target} does not exist yet.`
      : `1. Pre-checks: ${target} exists already (${existing}), from an earlier run: the steps it has done are skipped.`,
    existing === undefined
      ? `2. RestoreDBClusterToPointInTime: ${source ?? '?'} at ${restoreTime.toISOString()} → new cluster ${target} (copy-on-write), placed as the source is: ${placement ? describePlacement(placement) : '?'}. The cluster in service is not touched.`
      : `2. (done) ${target} was restored by an earlier run.`,
    `3. Wait until ${target} is available (${poll}).`,
    `4. CreateDBInstance ${writer}: db.serverless, aurora-postgresql, not public, the writer of ${target}.`,
    `5. Wait until ${writer} is available (${poll}).`,
    `6. Switch RDS Proxy ${proxyName ?? '?'} (target group default): DeregisterDBProxyTargets ${servedBy ?? '(none)'}, then RegisterDBProxyTargets ${target}. From here every new connection of the functions reaches the restored data; ${servedBy ?? 'the old cluster'} is left as it is.`,
    `7. Wait until the proxy reports ${writer} AVAILABLE (${poll}).`,
    `Each step is timed; this invocation waits at most ${input.waitBudgetSeconds} s in all. A restore and its writer often take longer: invoke again with the same input, and the steps already done are skipped. A failed step ends the run and the result says what state things are in.`,
    'Afterwards: drRecover (dry run first) puts back what the audit trail and intake buffer have that the restore lacks; the stack still names the old cluster (drCheck, weather scaling, backups) and, in a pair, the secondary still replicates it: docs/operations.md, "Restoring to a point in time".',
  ];

  return runDrOperation(deps, {
    kind: 'restore',
    dryRun: input.dryRun,
    operator: input.operator,
    plan: {
      sourceClusterId: source,
      targetClusterId: target,
      writerInstanceId: writer,
      restoreTime: restoreTime.toISOString(),
      window,
      proxyName,
      proxyTarget: servedBy ?? null,
      resuming: existing !== undefined,
    },
    planText,
    refusals,
    execute: () => runRestore(deps, input, { cp: cp!, source: source!, proxyName: proxyName!, placement, servedBy }),
    succeeded: (r) => r.complete,
  });
}

async function runRestore(
  deps: RestoreDeps,
  input: RestoreInput,
  ctx: {
    cp: RestoreControlPlane;
    source: string;
    proxyName: string;
    placement: RestorePlacement | undefined;
    servedBy: string | undefined;
  },
): Promise<RestoreResult> {
  const { cp, proxyName } = ctx;
  const target = input.targetClusterId;
  const writer = writerOf(target);
  const now = () => deps.clock.now().getTime();
  const deadline = now() + input.waitBudgetSeconds * 1000;
  const steps: RestoreStep[] = [];
  const result: RestoreResult = {
    targetClusterId: target,
    writerInstanceId: writer,
    steps,
    complete: false,
    state: '',
  };

  const step = async (name: RestoreStepName, run: () => Promise<{ ok: boolean; detail: string }>) => {
    const at = now();
    let outcome: { ok: boolean; detail: string };
    try {
      outcome = await run();
    } catch (error) {
      outcome = { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
    steps.push({ name, ...outcome, seconds: (now() - at) / 1000 });
    return outcome.ok;
  };
  /** Polls `read` until `done`, within what is left of this invocation's wait budget. */
  const waitFor = async (what: string, read: () => Promise<string | undefined>, done: (s?: string) => boolean) => {
    const started = now();
    for (let polls = 0; ; polls++) {
      const status = await read();
      if (done(status))
        return { ok: true, detail: `${what} ${status ?? ''} after ${polls} poll(s)`.replace('  ', ' ') };
      if (now() + input.pollSeconds * 1000 > deadline)
        return {
          ok: false,
          detail: `${what} still ${status ?? 'missing'} after ${(now() - started) / 1000} s: this invocation's wait budget is spent`,
        };
      await deps.wait(input.pollSeconds * 1000);
    }
  };
  const again = 'Invoke drRestore again with the same input to go on: the steps already done are skipped.';

  // 1–2: the restored cluster.
  const restored = await step('restore-cluster', async () => {
    const existing = await cp.describeCluster(target);
    if (existing) {
      result.targetClusterArn = existing.arn;
      return { ok: true, detail: `${target} exists already (${existing.status}): continuing with it` };
    }
    if (!ctx.placement) return { ok: false, detail: `no placement read from ${ctx.source}` };
    const { targetClusterArn } = await cp.restoreToPointInTime({
      sourceClusterId: ctx.source,
      targetClusterId: target,
      restoreTime: new Date(input.restoreTime),
      placement: ctx.placement,
    });
    result.targetClusterArn = targetClusterArn;
    return { ok: true, detail: `restore of ${ctx.source} at ${input.restoreTime} into ${target} started` };
  });
  if (!restored) return finish(result, `Nothing changed: the proxy still serves ${ctx.servedBy ?? 'what it served'}.`);

  const clusterUp = await step('wait-for-cluster', () =>
    waitFor(
      target,
      async () => (await cp.describeCluster(target))?.status,
      (s) => s === 'available',
    ),
  );
  if (!clusterUp)
    return finish(
      result,
      `${target} is not available yet; the proxy still serves ${ctx.servedBy ?? 'what it served'}. ${again}`,
    );

  // 3–4: its writer.
  const created = await step('create-writer', async () => {
    const status = await cp.instanceStatus(writer);
    if (status) return { ok: true, detail: `${writer} exists already (${status})` };
    await cp.createServerlessWriter({ clusterId: target, instanceId: writer });
    return { ok: true, detail: `${writer} (db.serverless) being created in ${target}` };
  });
  if (!created)
    return finish(
      result,
      `${target} is available with no writer; the proxy still serves ${ctx.servedBy ?? 'what it served'}. ${again}`,
    );
  const writerUp = await step('wait-for-writer', () =>
    waitFor(
      writer,
      () => cp.instanceStatus(writer),
      (s) => s === 'available',
    ),
  );
  if (!writerUp)
    return finish(
      result,
      `${writer} is not available yet; the proxy still serves ${ctx.servedBy ?? 'what it served'}. ${again}`,
    );

  // 5–6: the proxy's target.
  let deregistered: string | undefined;
  const switched = await step('switch-proxy', async () => {
    const current = proxyCluster(await cp.proxyTargets(proxyName));
    result.previousProxyTarget = current ?? ctx.servedBy;
    if (current === target) return { ok: true, detail: `${proxyName} already targets ${target}` };
    if (current) {
      await cp.deregisterProxyCluster(proxyName, current);
      deregistered = current;
    }
    await cp.registerProxyCluster(proxyName, target);
    return { ok: true, detail: `${proxyName}: ${current ?? '(no target)'} → ${target}` };
  });
  if (!switched)
    return finish(
      result,
      deregistered
        ? `THE PROXY HAS NO TARGET: ${deregistered} was deregistered and ${target} could not be registered, so the functions reach no database. Register one now: invoke drRestore again with the same input (registers ${target}), or aws rds register-db-proxy-targets --db-proxy-name ${proxyName} --target-group-name default --db-cluster-identifiers ${deregistered} to go back.`
        : `The proxy still serves ${ctx.servedBy ?? 'what it served'}; ${target} and ${writer} are available beside it. ${again}`,
    );
  const serving = await step('wait-for-proxy', () =>
    waitFor(
      `${proxyName} → ${writer}`,
      async () => {
        const instance = (await cp.proxyTargets(proxyName)).find(
          (t) => t.type === 'instance' && t.clusterId === target,
        );
        return instance && [instance.state, instance.reason].filter(Boolean).join(' ');
      },
      (s) => s === 'AVAILABLE',
    ),
  );
  if (!serving)
    return finish(
      result,
      `The proxy targets ${target} but does not reach its writer yet (an AUTH_FAILURE means the restored database has the passwords of the restore time: docs/operations.md, "Restoring to a point in time"). ${again} To go back: deregister ${target} and register ${result.previousProxyTarget ?? 'the old cluster'}.`,
    );
  result.complete = true;
  return finish(
    result,
    `The proxy serves ${target} through ${writer}. ${result.previousProxyTarget ?? 'The old cluster'} is untouched and no longer behind the proxy. Next: drRecover (dry run first).`,
  );
}

function finish(result: RestoreResult, state: string): RestoreResult {
  result.state = state;
  return result;
}
