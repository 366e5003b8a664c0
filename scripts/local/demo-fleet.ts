// The local stack's stand-ins for what runs beside the API in AWS: demo vans reporting in, and the scheduled jobs.
import { demoTechnicians } from '../../shared/adapters/location/demo-technicians.js';
import type { Deps } from '../../shared/deps.js';
import { drainIntakeBuffer } from '../../shared/usecases/drain-intake-buffer.js';
import { redispatch } from '../../shared/usecases/redispatch.js';

/** Demo technicians who have never reported go on shift at their home base, so a first request is dispatched. */
export async function bringDemoFleetOnShift(deps: Deps): Promise<number> {
  let started = 0;
  const now = deps.clock.now();
  for (const t of demoTechnicians) {
    if (await deps.technicians.position(t.id)) continue;
    await deps.technicians.recordLocation(t.id, { location: t.home, recordedAt: now });
    await deps.technicians.setAvailability(t.id, 'available');
    started++;
  }
  return started;
}

/**
 * Each demo van app reports its position every minute, as a real one does, so nobody goes stale between requests.
 * The position is wherever the technician last reported (curl a new one to move them).
 */
export async function reportDemoFleetPositions(deps: Deps): Promise<void> {
  const now = deps.clock.now();
  for (const t of demoTechnicians) {
    const position = await deps.technicians.position(t.id);
    if (position?.location) await deps.technicians.recordLocation(t.id, { location: position.location, recordedAt: now });
  }
}

/** What EventBridge runs every minute in AWS: the intake-buffer drain and redispatch. */
export async function runScheduledJobs(deps: Deps): Promise<void> {
  await drainIntakeBuffer(deps);
  await redispatch(deps);
}
