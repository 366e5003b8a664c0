// drRestore: restores the Aurora cluster to a point in time, into a new cluster, after checking the time is restorable.
import * as z from 'zod';
import type { DatabaseControlPlane } from '#shared/ports/dr-control-plane.js';
import { parseConsoleInput, runDrOperation, type DrOperationDeps, type OperationReport } from './dr-operation.js';

export interface RestoreDeps extends DrOperationDeps {
  dr: { clusterId?: string };
  controlPlane?: { database: DatabaseControlPlane };
}

export const parseRestoreInput = (event: unknown) =>
  parseConsoleInput(
    {
      restoreTime: z.iso.datetime({ offset: true }),
      /** A new cluster: a restore never overwrites the cluster in service. */
      targetClusterId: z
        .string()
        .regex(/^[A-Za-z][A-Za-z0-9-]{0,62}$/, 'a cluster identifier: a letter, then letters, digits or hyphens'),
    },
    event,
  );

export async function restoreDatabase(
  deps: RestoreDeps,
  input: ReturnType<typeof parseRestoreInput>,
): Promise<OperationReport<Record<string, unknown>, { targetClusterArn?: string }>> {
  const cp = deps.controlPlane;
  const source = deps.dr.clusterId;
  const restoreTime = new Date(input.restoreTime);
  const refusals: string[] = [];
  let window: { earliest?: string; latest?: string } = {};
  if (!cp || !source)
    refusals.push(
      'this stage has no control plane to restore with (DR_CONTROL_PLANE=aws and DR_CLUSTER_ID are needed)',
    );
  else {
    const cluster = await cp.database.describeCluster(source);
    window = {
      earliest: cluster?.earliestRestorableTime?.toISOString(),
      latest: cluster?.latestRestorableTime?.toISOString(),
    };
    if (!cluster?.earliestRestorableTime || !cluster.latestRestorableTime)
      refusals.push(`cluster ${source} has no restorable window`);
    else if (restoreTime < cluster.earliestRestorableTime || restoreTime > cluster.latestRestorableTime) {
      refusals.push(
        `${restoreTime.toISOString()} is outside the restorable window ${window.earliest} – ${window.latest}`,
      );
    }
    if (await cp.database.describeCluster(input.targetClusterId))
      refusals.push(`cluster ${input.targetClusterId} already exists: choose a new identifier`);
  }
  const planText = [
    `1. Pre-checks: ${restoreTime.toISOString()} inside the restorable window (${window.earliest ?? '?'} – ${window.latest ?? '?'}); ${input.targetClusterId} does not exist yet.`,
    `2. RestoreDBClusterToPointInTime: ${source ?? '?'} at ${restoreTime.toISOString()} → new cluster ${input.targetClusterId} (copy-on-write). The cluster in service is not touched.`,
    `3. Add a writer: aws rds create-db-instance --db-cluster-identifier ${input.targetClusterId} --db-instance-identifier ${input.targetClusterId}-writer --db-instance-class db.serverless --engine aurora-postgresql`,
    `4. Compare: run drCheck's SQL and drRecover in dry run against the restored cluster to see what the restore lacks.`,
    `5. Point the stage at it: register ${input.targetClusterId} in the RDS Proxy target group (aws rds register-db-proxy-targets --db-proxy-name <proxy> --db-cluster-identifiers ${input.targetClusterId}) after deregistering the old one, then run drRecover (not dry) to replay the audit trail and intake buffer.`,
  ];
  return runDrOperation(deps, {
    kind: 'restore',
    dryRun: input.dryRun,
    operator: input.operator,
    plan: {
      sourceClusterId: source,
      targetClusterId: input.targetClusterId,
      restoreTime: restoreTime.toISOString(),
      window,
    },
    planText,
    refusals,
    execute: () =>
      cp!.database.restoreToPointInTime({
        sourceClusterId: source!,
        targetClusterId: input.targetClusterId,
        restoreTime,
      }),
  });
}
