// The intake journal's other half: puts back every kept intake the database lacks (after a failover, those a 201 was
// answered for but the replica never received), and forgets copies whose keeping time is over.
import type { Clock } from '#shared/ports/clock.js';
import type { RecoveryStore } from '#shared/ports/disaster-recovery.js';
import type { IntakeJournal } from '#shared/ports/intake-buffer.js';
import type { Log } from '#shared/ports/logger.js';
import type { RequestStore } from '#shared/ports/request-store.js';

export interface SettleJournalDeps {
  journal: IntakeJournal;
  requests: Pick<RequestStore, 'insertIfAbsent'>;
  recovery: Pick<RecoveryStore, 'missingIds'>;
  clock: Clock;
  log: Log;
}

export interface JournalReport {
  kept: number;
  /** Acknowledged intakes the database did not have: put back from the journal. */
  restored: number;
  forgotten: number;
}

export async function settleIntakeJournal(deps: SettleJournalDeps): Promise<JournalReport> {
  const kept = await deps.journal.kept();
  const missing = new Set(await deps.recovery.missingIds(kept.map((k) => k.request.id)));
  const now = deps.clock.now();
  const report: JournalReport = { kept: kept.length, restored: 0, forgotten: 0 };
  for (const { request, keptUntil } of kept) {
    if (missing.has(request.id) && (await deps.requests.insertIfAbsent(request))) {
      report.restored++;
      deps.log.warn('acknowledged intake missing from the database: put back from the journal', {
        id: request.id,
        reference: request.reference,
      });
    }
    // Only once it is in the database (inserted above or found there) and its keeping time is over.
    if (keptUntil <= now) {
      await deps.journal.forget(request.id);
      report.forgotten++;
    }
  }
  return report;
}
