// A technician's van app reporting where they are and whether they can take work.
import type { GeoPoint } from '#shared/domain/emergency.js';
import { Conflict, ValidationError } from '#shared/domain/errors.js';
import { requireSelf, type Principal } from '#shared/domain/principal.js';
import type { Clock } from '#shared/ports/clock.js';
import type { SelfReportedStatus, TechnicianIndex } from '#shared/ports/technician-index.js';

export interface PresenceDeps {
  technicians: TechnicianIndex;
  clock: Clock;
}

/** Phone clocks drift; a fix from more than this far in the future is a broken clock, not a position. */
const maxClockSkewMs = 2 * 60_000;

export async function reportLocation(
  deps: PresenceDeps,
  principal: Principal,
  technicianId: string,
  fix: GeoPoint & { recordedAt: string; accuracyMeters?: number; heading?: number },
): Promise<{ applied: boolean }> {
  requireSelf(principal, technicianId);
  const recordedAt = new Date(fix.recordedAt);
  if (recordedAt.getTime() > deps.clock.now().getTime() + maxClockSkewMs) {
    throw new ValidationError('recordedAt is in the future: check the device clock.', [
      { field: 'recordedAt', message: 'in the future' },
    ]);
  }
  const outcome = await deps.technicians.recordLocation(technicianId, {
    location: { lat: fix.lat, lon: fix.lon },
    recordedAt,
    accuracyMeters: fix.accuracyMeters,
    heading: fix.heading,
  });
  return { applied: outcome === 'updated' };
}

export async function setTechnicianStatus(
  deps: PresenceDeps,
  principal: Principal,
  technicianId: string,
  status: SelfReportedStatus,
): Promise<void> {
  requireSelf(principal, technicianId);
  const outcome = await deps.technicians.setAvailability(technicianId, status);
  if (outcome === 'has-job')
    throw new Conflict('You have a job in progress: complete or decline it before changing status.');
  if (outcome === 'no-location') throw new Conflict('Send your location first, then set yourself available.');
}
