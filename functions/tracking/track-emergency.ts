// Customer-side access to one request, authorised by its tracking token: read it, or call it off.
import type { EmergencyRequest, NewEmergency, RequestStatus } from '#shared/domain/emergency.js';
import { referencePattern, trackingTokenMatches } from '#shared/domain/tracking.js';
import { etaFromPosition, type EtaSettings } from '#shared/domain/eta.js';
import { visitingTechnician, type VisitingTechnician } from '#shared/domain/technician.js';
import type { GeoPoint } from '#shared/domain/emergency.js';
import { Conflict, NotFound, Unavailable } from '#shared/domain/errors.js';
import type { Clock } from '#shared/ports/clock.js';
import type { IntakeBuffer } from '#shared/ports/intake-buffer.js';
import type { Log } from '#shared/ports/logger.js';
import type { RequestStore } from '#shared/ports/request-store.js';
import type { TechnicianDirectory } from '#shared/ports/technician-directory.js';
import { releaseTechnician, type TechnicianIndex } from '#shared/ports/technician-index.js';

export interface TrackingDeps {
  requests: RequestStore;
  intakeBuffer: IntakeBuffer;
  technicians: TechnicianIndex;
  clock: Clock;
  log: Log;
}

export type TrackedEmergency = (EmergencyRequest | (NewEmergency & { status: RequestStatus })) & { queued: boolean };

// Unknown id and wrong token read the same, so the API never confirms that an id exists.
const notFound = () =>
  new NotFound('No emergency request matches this id and tracking token. Check the link you were sent.');

/** `id` may be the booking reference (the tracking page's link carries it); a request still in the intake buffer is found by id only. */
async function findOwnEmergency(
  deps: TrackingDeps,
  id: string,
  trackingToken: string | undefined,
): Promise<TrackedEmergency> {
  let request: TrackedEmergency | undefined;
  let databaseDown = false;
  const byReference = referencePattern.test(id);
  try {
    const stored = byReference ? await deps.requests.findByReference(id) : await deps.requests.findById(id);
    if (stored) request = { ...stored, queued: false };
  } catch (error) {
    if (!(error instanceof Unavailable)) throw error;
    databaseDown = true;
  }
  if (!request && !byReference) {
    // Accepted during an outage and not yet replayed: it lives in the intake buffer.
    const held = await deps.intakeBuffer.find(id);
    if (held) request = { ...held, status: 'pending', queued: true };
  }
  if (!request && databaseDown)
    throw new Unavailable('We cannot look up requests right now. Please try again in a moment.');
  if (!request || !trackingTokenMatches(trackingToken, request.trackingTokenHash)) throw notFound();
  return request;
}

export async function cancelOwnEmergency(
  deps: TrackingDeps,
  id: string,
  trackingToken: string | undefined,
): Promise<EmergencyRequest> {
  const request = await findOwnEmergency(deps, id, trackingToken);
  if (request.queued)
    throw new Unavailable('Your request is still being recorded. Please try cancelling again in a minute.');
  const outcome = await deps.requests.transition(request.id, 'cancel', () => deps.clock.now());
  if (outcome.kind === 'applied') {
    const technicianId = outcome.previous.technicianId;
    // The technician was holding this job: put them back to work.
    if (technicianId && !outcome.repeated) await releaseTechnician(deps, technicianId, request.id);
    return outcome.request;
  }
  if (outcome.kind === 'not-allowed') {
    throw new Conflict(`This request is ${outcome.status.replace('_', ' ')} and can no longer be cancelled.`, {
      currentStatus: outcome.status,
    });
  }
  throw notFound();
}

/** After completion the customer rates the job once, 1–5, with an optional comment. */
export async function rateOwnEmergency(
  deps: TrackingDeps,
  id: string,
  trackingToken: string | undefined,
  rating: number,
  comment?: string,
): Promise<EmergencyRequest> {
  const request = await findOwnEmergency(deps, id, trackingToken);
  if (request.queued)
    throw new Conflict('This request has not been completed yet, so it cannot be rated.', { currentStatus: 'pending' });
  const outcome = await deps.requests.rate(request.id, rating, comment, deps.clock.now());
  if (outcome.kind === 'rated') return outcome.request;
  if (outcome.kind === 'already-rated')
    throw new Conflict('You have already rated this job. Thank you.', { currentStatus: 'completed' });
  if (outcome.kind === 'not-completed') {
    throw new Conflict(`You can rate the job once it is completed; it is ${outcome.status.replace('_', ' ')}.`, {
      currentStatus: outcome.status,
    });
  }
  throw notFound();
}

/** The job's state is already committed; a failed release is repaired by redispatch's sweep, so log rather than fail. */
export interface LiveTechnician {
  location: GeoPoint;
  recordedAt: Date;
  etaMinutes: number;
  eta: Date;
}

/** Statuses in which the customer is told who is coming (and, en route, where the van is). */
const technicianShown = new Set<RequestStatus>(['assigned', 'en_route', 'on_site']);

/** The customer's view: who is coming and, while they drive to them, where they are now and when they should arrive. */
export async function followOwnEmergency(
  deps: TrackingDeps & { dispatch: { eta: EtaSettings }; directory: Pick<TechnicianDirectory, 'findTechnician'> },
  id: string,
  trackingToken: string | undefined,
): Promise<{ request: TrackedEmergency; technician?: VisitingTechnician; live?: LiveTechnician }> {
  const request = await findOwnEmergency(deps, id, trackingToken);
  const technicianId = 'technicianId' in request ? request.technicianId : undefined;
  if (!technicianId || !technicianShown.has(request.status)) return { request };
  const profile = await deps.directory.findTechnician(technicianId);
  const technician = profile ? visitingTechnician(profile) : undefined;
  if (request.status !== 'en_route') return { request, technician };
  let position;
  try {
    position = await deps.technicians.position(technicianId);
  } catch (error) {
    // The stored ETA still stands; a live position is a nicety.
    deps.log.warn('live position unavailable', { id, error: error });
  }
  if (!position?.location || !position.recordedAt) return { request, technician };
  const { etaMinutes, eta } = etaFromPosition(position.location, request, deps.clock.now(), deps.dispatch.eta, {
    enRoute: true,
  });
  return {
    request,
    technician,
    live: { location: position.location, recordedAt: position.recordedAt, etaMinutes, eta },
  };
}
