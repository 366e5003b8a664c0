// The frame every console DR operation runs in: dry run by default, operations told at start and finish, and a record kept.
import * as z from 'zod';
import { ValidationError } from '#shared/domain/errors.js';
import type { Clock, IdGenerator } from '#shared/ports/clock.js';
import type { DrRun, DrRunKind, DrRunLog, DrRunOutcome } from '#shared/ports/disaster-recovery.js';
import type { Log } from '#shared/ports/logger.js';
import type { Notifier } from '#shared/ports/notifier.js';
import { notify } from '#shared/ports/notifier.js';

export interface DrOperationDeps {
  drRuns: DrRunLog;
  notifier: Notifier;
  clock: Clock;
  ids: IdGenerator;
  log: Log;
}

/** What every console DR Lambda accepts besides its own fields: nothing changes unless dryRun is false and someone signs it. */
export const operatorFields = {
  dryRun: z.boolean().default(true),
  /** Who ran it, as the DR record names them (an email or staff id); required to change anything. */
  operator: z.string().trim().min(1).max(200).optional(),
};

export function parseConsoleInput<T extends z.ZodRawShape>(shape: T, event: unknown) {
  const schema = z.object({ ...operatorFields, ...shape }).superRefine((value, ctx) => {
    const v = value as { dryRun: boolean; operator?: string };
    if (v.dryRun === false && !v.operator)
      ctx.addIssue({
        code: 'custom',
        path: ['operator'],
        message: 'required when dryRun is false: who is running this',
      });
  });
  const parsed = schema.safeParse(event ?? {});
  if (!parsed.success) {
    throw new ValidationError(
      `Invalid input: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'} ${i.message}`).join('; ')}`,
      parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(input)', message: i.message })),
    );
  }
  return parsed.data;
}

export interface OperationReport<P, R> {
  kind: DrRunKind;
  dryRun: boolean;
  outcome: DrRunOutcome;
  /** A person-readable plan: what would be (or was) done, step by step. */
  planText: string[];
  plan: P;
  result?: R;
  error?: string;
  startedAt: string;
  finishedAt: string;
  elapsedSeconds: number;
}

/**
 * Runs a DR operation: refuses (and records) when the pre-checks fail, returns the plan on a dry run, otherwise alerts
 * operations, executes, alerts again with the outcome and records who/when/plan/outcome/timings.
 */
export async function runDrOperation<P, R>(
  deps: DrOperationDeps,
  spec: {
    kind: DrRunKind;
    dryRun: boolean;
    operator?: string;
    plan: P;
    planText: string[];
    /** Reasons the operation must not go ahead; empty when it may. */
    refusals: string[];
    execute: () => Promise<R>;
    /** Whether the result counts as success (default: it resolved). */
    succeeded?: (result: R) => boolean;
  },
): Promise<OperationReport<P, R>> {
  const startedAt = deps.clock.now();
  const operator = spec.operator ?? 'dry-run';
  const finish = async (
    outcome: DrRunOutcome,
    extra: { result?: R; error?: string },
  ): Promise<OperationReport<P, R>> => {
    const finishedAt = deps.clock.now();
    const report: OperationReport<P, R> = {
      kind: spec.kind,
      dryRun: spec.dryRun,
      outcome,
      planText: spec.planText,
      plan: spec.plan,
      ...extra,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      elapsedSeconds: Math.round((finishedAt.getTime() - startedAt.getTime()) / 100) / 10,
    };
    const run: DrRun = {
      id: deps.ids.uuid(),
      kind: spec.kind,
      operator,
      dryRun: spec.dryRun,
      startedAt,
      finishedAt,
      outcome,
      plan: { steps: spec.planText, ...spec.plan },
      result: extra.result ?? { error: extra.error },
    };
    // The record matters, but an operation that worked must not be reported as failed because the log database is down.
    await deps.drRuns
      .record(run)
      .catch((error: unknown) => deps.log.error('DR run could not be recorded', { kind: spec.kind, error }));
    return report;
  };

  if (spec.refusals.length > 0) return finish('refused', { error: `Refused: ${spec.refusals.join('; ')}` });
  if (spec.dryRun) return finish('planned', {});

  await notify(deps, {
    channel: 'operations',
    purpose: 'dr-operation',
    subject: `TyreHero DR ${spec.kind} started by ${operator}`,
    text: spec.planText.join('\n'),
  });
  try {
    const result = await spec.execute();
    const ok = spec.succeeded ? spec.succeeded(result) : true;
    const report = await finish(ok ? 'succeeded' : 'failed', { result });
    await notify(deps, {
      channel: 'operations',
      purpose: 'dr-operation',
      subject: `TyreHero DR ${spec.kind} ${report.outcome} after ${report.elapsedSeconds} s`,
      text: JSON.stringify(result, null, 2),
    });
    return report;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const report = await finish('failed', { error: message });
    await notify(deps, {
      channel: 'operations',
      purpose: 'dr-operation',
      subject: `TyreHero DR ${spec.kind} FAILED after ${report.elapsedSeconds} s`,
      text: message,
    });
    return report;
  }
}
