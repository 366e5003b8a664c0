// How a customer sees their own request: no other customer's data, no internal fields.
import type { VisitingTechnician } from '#shared/domain/technician.js';
import type { LiveTechnician, TrackedEmergency } from './track-emergency.js';

/** The customer reads the code to the technician on site; before a technician is assigned or after the job ends it has no use. */
const showsArrivalCode = new Set(['assigned', 'en_route', 'on_site']);

export function emergencyView(r: TrackedEmergency, live?: LiveTechnician, technician?: VisitingTechnician) {
  const stamps = r as Partial<Record<'assignedAt' | 'enRouteAt' | 'onSiteAt' | 'completedAt' | 'cancelledAt', Date>> & {
    eta?: Date;
    technicianId?: string;
    arrivalCode?: string;
    rating?: number;
    ratingComment?: string;
  };
  const timeline = Object.fromEntries(
    Object.entries({
      createdAt: r.createdAt,
      assignedAt: stamps.assignedAt,
      enRouteAt: stamps.enRouteAt,
      onSiteAt: stamps.onSiteAt,
      completedAt: stamps.completedAt,
      cancelledAt: stamps.cancelledAt,
    })
      .filter((entry): entry is [string, Date] => entry[1] instanceof Date)
      .map(([name, at]) => [name, at.toISOString()]),
  );
  return {
    id: r.id,
    reference: r.reference,
    status: r.status,
    priority: r.priority,
    issue: r.issue,
    location: r.location,
    ...(r.postcode ? { postcode: r.postcode } : {}),
    createdAt: r.createdAt.toISOString(),
    slaDeadline: r.slaDeadline.toISOString(),
    ...(live
      ? { eta: live.eta.toISOString(), etaMinutes: live.etaMinutes }
      : stamps.eta
        ? { eta: stamps.eta.toISOString() }
        : {}),
    ...(stamps.technicianId ? { technicianId: stamps.technicianId } : {}),
    ...(technician ? { technician } : {}),
    ...(stamps.arrivalCode && showsArrivalCode.has(r.status) ? { arrivalCode: stamps.arrivalCode } : {}),
    ...(live ? { technicianLocation: { ...live.location, recordedAt: live.recordedAt.toISOString() } } : {}),
    timeline,
    ...(r.queued ? { queued: true } : {}),
    ...(stamps.rating
      ? { rating: { score: stamps.rating, ...(stamps.ratingComment ? { comment: stamps.ratingComment } : {}) } }
      : {}),
  };
}
