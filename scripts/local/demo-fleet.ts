// The local stack's stand-in for the van apps: demo technicians on shift, reporting their position every 30 seconds.
import { demoTechnicians } from '#shared/adapters/location/demo-technicians.js';
import type { AllDeps } from './all-deps.js';

/** Demo technicians who have never reported go on shift at their home base, so a first request is dispatched. */
export async function bringDemoFleetOnShift(deps: AllDeps): Promise<number> {
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

/** How often a van app reports its position; LOCATION_FRESH_MINUTES (2) allows four missed reports. */
export const vanReportIntervalMs = 30_000;

/**
 * Each demo van app reports its position every 30 seconds, as a real one does, so nobody goes stale between requests.
 * The position is wherever the technician last reported (curl a new one to move them).
 */
export async function reportDemoFleetPositions(deps: AllDeps): Promise<void> {
  const now = deps.clock.now();
  for (const t of demoTechnicians) {
    const position = await deps.technicians.position(t.id);
    if (position?.location)
      await deps.technicians.recordLocation(t.id, { location: position.location, recordedAt: now });
  }
}
