// drRecover: puts back every request the audit trail or the intake buffer knows of that emergency_requests lacks.
import * as z from 'zod';
import type { DrainReport, IntakeBuffer } from '#shared/ports/intake-buffer.js';
import type { RecoveryStore } from '#shared/ports/disaster-recovery.js';
import type { RequestStore } from '#shared/ports/request-store.js';
import { parseConsoleInput, runDrOperation, type DrOperationDeps, type OperationReport } from './dr-operation.js';

export interface RecoverDeps extends DrOperationDeps {
  recovery: RecoveryStore;
  requests: RequestStore;
  intakeBuffer: IntakeBuffer;
  /** Stores what the intake buffer holds, as the scheduled drain does (functions/intake, wired by the composition). */
  drainIntakeBuffer(): Promise<DrainReport>;
}

/** More than a whole bad day of requests; a bigger gap is a restore, not a replay. */
const maxReplay = 10_000;

export const parseRecoverInput = (event: unknown) =>
  parseConsoleInput({ limit: z.number().int().min(1).max(maxReplay).default(maxReplay) }, event);

export interface RecoverPlan {
  /** Requests in the audit trail that emergency_requests lacks (and nobody deleted). */
  lostFromAudit: number;
  /** Items waiting in the intake buffer, and how many of them PostgreSQL does not hold yet. */
  buffered: number;
  bufferedMissing: number;
  examples: Array<{ id: string; reference: string; createdAt: string; status: string; source: 'audit' | 'buffer' }>;
}

export interface RecoverResult {
  replayedFromAudit: number;
  alreadyPresent: number;
  buffer: DrainReport;
}

export async function recoverRequests(
  deps: RecoverDeps,
  input: ReturnType<typeof parseRecoverInput>,
): Promise<OperationReport<RecoverPlan, RecoverResult>> {
  const lost = await deps.recovery.findLostRequests(input.limit);
  const buffered = await deps.intakeBuffer.list(input.limit);
  const missing = new Set(await deps.recovery.missingIds(buffered.map((b) => b.id)));
  const plan: RecoverPlan = {
    lostFromAudit: lost.length,
    buffered: buffered.length,
    bufferedMissing: missing.size,
    examples: [
      ...lost.slice(0, 10).map((l) => ({
        id: l.id,
        reference: l.reference,
        createdAt: l.createdAt.toISOString(),
        status: l.status,
        source: 'audit' as const,
      })),
      ...buffered
        .filter((b) => missing.has(b.id))
        .slice(0, 10)
        .map((b) => ({
          id: b.id,
          reference: b.reference,
          createdAt: b.createdAt.toISOString(),
          status: 'pending',
          source: 'buffer' as const,
        })),
    ],
  };
  const planText = [
    `1. Re-insert ${lost.length} request(s) found in the audit trail but missing from emergency_requests, from their latest audited image (ON CONFLICT DO NOTHING).`,
    `2. Replay ${buffered.length} intake-buffer item(s) (${missing.size} not yet in PostgreSQL) by id, then release them from the buffer.`,
    '3. Redispatch (every minute) offers any restored pending request to a technician.',
    lost.length + missing.size === 0
      ? 'Nothing is missing: running it changes nothing.'
      : 'Safe to run twice: a second run finds nothing left to do.',
  ];
  return runDrOperation(deps, {
    kind: 'recover',
    dryRun: input.dryRun,
    operator: input.operator,
    plan,
    planText,
    refusals: [],
    execute: async () => {
      const inserted = await deps.recovery.replayFromAudit(lost.map((l) => l.id));
      const buffer = await deps.drainIntakeBuffer();
      return { replayedFromAudit: inserted.length, alreadyPresent: lost.length - inserted.length, buffer };
    },
    succeeded: (r) => !r.buffer.databaseUnavailable,
  });
}
