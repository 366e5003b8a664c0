// Replays emergencies held in the intake buffer into PostgreSQL once it is reachable again.
import { Unavailable } from '#shared/domain/errors.js';
import type { DrainReport, IntakeBuffer } from '#shared/ports/intake-buffer.js';
import type { Log } from '#shared/ports/logger.js';
import type { RequestStore } from '#shared/ports/request-store.js';

export interface DrainDeps {
  requests: RequestStore;
  intakeBuffer: IntakeBuffer;
  log: Log;
}

export async function drainIntakeBuffer(deps: DrainDeps, batchSize = 25): Promise<DrainReport> {
  const report: DrainReport = { replayed: 0, alreadyStored: 0, databaseUnavailable: false, leftInBuffer: 0 };
  for (;;) {
    const held = await deps.intakeBuffer.list(batchSize);
    if (held.length === 0) return report;
    for (const [index, request] of held.entries()) {
      try {
        // Insert first, release second: a crash between the two replays an id that ON CONFLICT skips, never loses one.
        const inserted = await deps.requests.insertIfAbsent(request);
        await deps.intakeBuffer.release(request.id);
        if (inserted) report.replayed++;
        else report.alreadyStored++;
        deps.log.info('buffered emergency replayed', { id: request.id, reference: request.reference, inserted });
      } catch (error) {
        if (error instanceof Unavailable)
          return { ...report, databaseUnavailable: true, leftInBuffer: held.length - index };
        throw error;
      }
    }
  }
}
