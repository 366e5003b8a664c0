// drRecover: puts back every request the audit trail, the intake buffer or the intake journal knows of that
// emergency_requests lacks.
import * as z from 'zod';
import type { DrainReport, IntakeBuffer, IntakeJournal } from '#shared/ports/intake-buffer.js';
import type { RecoveryStore } from '#shared/ports/disaster-recovery.js';
import type { RequestStore } from '#shared/ports/request-store.js';
import { parseConsoleInput, runDrOperation, type DrOperationDeps, type OperationReport } from './dr-operation.js';

export interface RecoverDeps extends DrOperationDeps {
  recovery: RecoveryStore;
  requests: RequestStore;
  intakeBuffer: IntakeBuffer;
  /** Copies of recently acknowledged intakes, kept in the replicated buffer table while replication may lag. */
  journal: IntakeJournal;
  /** Stores what the intake buffer holds, as the scheduled drain does (functions/intake, wired by the composition). */
  drainIntakeBuffer(): Promise<DrainReport>;
  /** Puts back acknowledged intakes the journal has and the database lacks (functions/intake, as the drain does). */
  settleIntakeJournal(): Promise<JournalReport>;
}

export interface JournalReport {
  kept: number;
  restored: number;
  forgotten: number;
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
  /** Journal copies (intakes answered 201 in the last INTAKE_JOURNAL_SECONDS), and how many PostgreSQL lacks. */
  journalKept: number;
  journalMissing: number;
  examples: Array<{
    id: string;
    reference: string;
    createdAt: string;
    status: string;
    source: 'audit' | 'buffer' | 'journal';
  }>;
}

export interface RecoverResult {
  replayedFromAudit: number;
  alreadyPresent: number;
  buffer: DrainReport;
  journal: JournalReport;
}

export async function recoverRequests(
  deps: RecoverDeps,
  input: ReturnType<typeof parseRecoverInput>,
): Promise<OperationReport<RecoverPlan, RecoverResult>> {
  const lost = await deps.recovery.findLostRequests(input.limit);
  const buffered = await deps.intakeBuffer.list(input.limit);
  const missing = new Set(await deps.recovery.missingIds(buffered.map((b) => b.id)));
  const kept = await deps.journal.kept();
  const journalMissing = new Set(await deps.recovery.missingIds(kept.map((k) => k.request.id)));
  const plan: RecoverPlan = {
    lostFromAudit: lost.length,
    buffered: buffered.length,
    bufferedMissing: missing.size,
    journalKept: kept.length,
    journalMissing: journalMissing.size,
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
      ...kept
        .filter((k) => journalMissing.has(k.request.id))
        .slice(0, 10)
        .map(({ request }) => ({
          id: request.id,
          reference: request.reference,
          createdAt: request.createdAt.toISOString(),
          status: 'pending',
          source: 'journal' as const,
        })),
    ],
  };
  const planText = [
    `1. Re-insert ${lost.length} request(s) found in the audit trail but missing from emergency_requests, from their latest audited image (ON CONFLICT DO NOTHING).`,
    `2. Replay ${buffered.length} intake-buffer item(s) (${missing.size} not yet in PostgreSQL) by id, then release them from the buffer.`,
    `3. Put back ${journalMissing.size} of ${kept.length} intake-journal copies (acknowledged with 201, never replicated) that PostgreSQL lacks, and forget the copies whose keeping time is over.`,
    '4. Redispatch (every minute) offers any restored pending request to a technician.',
    lost.length + missing.size + journalMissing.size === 0
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
      // After the buffer: an intake both held and journalled is stored once, and the journal finds it there.
      const journal = await deps.settleIntakeJournal();
      return { replayedFromAudit: inserted.length, alreadyPresent: lost.length - inserted.length, buffer, journal };
    },
    succeeded: (r) => !r.buffer.databaseUnavailable,
  });
}
