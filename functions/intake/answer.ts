// The answer POST /emergencies gives, and the same answer as kept for Idempotency-Key retries: built here alone, so a
// replay has the same fields in the same order and serialises to the same bytes.
import type { EmergencyRequest, NewEmergency, RequestStatus } from '#shared/domain/emergency.js';
import { minutesUntil } from '#shared/domain/eta.js';
import { formatUkTime } from '#shared/domain/uk-day.js';
import { haversineKm, roundedKm } from '#shared/domain/geo.js';
import { visitingTechnician } from '#shared/domain/technician.js';
import type { Clock } from '#shared/ports/clock.js';
import type { DispatchOutcome, PlannedAssignment } from '#shared/ports/dispatcher.js';
import type { Log } from '#shared/ports/logger.js';
import type { RequestStore } from '#shared/ports/request-store.js';
import type { TechnicianDirectory } from '#shared/ports/technician-directory.js';
import type { TechnicianIndex } from '#shared/ports/technician-index.js';

/** What building and keeping an answer reads and writes. */
export interface AnswerDeps {
  requests: Pick<RequestStore, 'recordAnswer'>;
  /** Who is coming, for a replay whose kept answer has no name yet or a retry that shows the assignment as it is. */
  directory: Pick<TechnicianDirectory, 'findTechnician'>;
  /** Where they are now, for a retry that shows the assignment as it is. */
  technicians: Pick<TechnicianIndex, 'position'>;
  clock: Clock;
  log: Log;
}

/** The request as the answer shows it: 'pending' or 'assigned' for a new intake, whatever it is now for a replay. */
export type AnsweredRequest = Pick<
  NewEmergency,
  'id' | 'reference' | 'priority' | 'slaDeadline' | 'createdAt' | 'location'
> & { status: RequestStatus } & Partial<Pick<EmergencyRequest, 'technicianId' | 'eta'>>;

/** What intake did with a request, as far as its answer goes (functions/intake/create-emergency.ts). */
export interface Answerable {
  request: AnsweredRequest;
  /** Shown to the customer once; only its hash is stored. */
  trackingToken: string;
  queued: boolean;
  dispatch?: DispatchOutcome;
  replayed?: boolean;
  /** A retry after the first answer was given: that answer as kept, without its token. */
  firstAnswer?: string;
}

/** What an intake answers: a new answer, or on a retry the first one as it was given. */
export type IntakeAnswer = ReturnType<typeof answerBody> | Record<string, unknown>;

/**
 * The answer to an intake, kept for retries with its Idempotency-Key (`keyed`) unless it cannot need keeping: a
 * buffered answer is rebuilt from the buffer, an assignment kept its own (plannedAnswer), and a replay's was kept.
 */
export async function answerFor(deps: AnswerDeps, intake: Answerable, keyed: boolean): Promise<IntakeAnswer> {
  const { request, trackingToken, queued, dispatch } = intake;
  // A retry after the first answer was given: that answer, byte for byte, with its token put back.
  if (intake.firstAnswer !== undefined) return replayedAnswer(deps, intake.firstAnswer, trackingToken);
  // A retry with no answer kept and nothing dispatched now: whoever was assigned meanwhile, as it is now.
  const assignment = intake.replayed && !dispatch ? await assignmentAsItIs(deps, request) : undefined;
  const answer = answerBody(request, trackingToken, queued, assignment ?? dispatchView(request, queued, dispatch));
  if (keyed && !queued && !(dispatch?.kind === 'assigned' && dispatch.answerKept)) await keepAnswer(deps, answer);
  return answer;
}

/** The intake's answer; what is kept for retries is built by this too, so a replay has the same fields in the same order. */
function answerBody(
  request: Pick<AnsweredRequest, 'id' | 'reference' | 'status' | 'priority' | 'slaDeadline' | 'createdAt'>,
  trackingToken: string,
  queued: boolean,
  dispatch: ReturnType<typeof dispatchView>,
) {
  return {
    id: request.id,
    reference: request.reference,
    status: request.status,
    priority: request.priority,
    trackingToken,
    slaDeadline: request.slaDeadline.toISOString(),
    createdAt: request.createdAt.toISOString(),
    ...(queued ? { queued: true } : {}),
    ...dispatch,
  };
}

type AnsweredAssignment = ReturnType<typeof assignedView>;

/** Who is coming and when, in the answer's field order: the answer sent, the one kept and a retry's all use this. */
function assignedView(
  technician: { id: string; firstName: string | null; van: string | null; distanceKm: number },
  eta: Date,
  etaMinutes: number,
) {
  return { technician, eta: eta.toISOString(), etaMinutes, slaAtRisk: false as const };
}

function dispatchView(
  request: Pick<AnsweredRequest, 'status' | 'slaDeadline' | 'createdAt'>,
  queued: boolean,
  dispatch: DispatchOutcome | undefined,
) {
  if (dispatch?.kind === 'assigned') return assignedView(dispatch.technician, dispatch.eta, dispatch.etaMinutes);
  const slaAtRisk = dispatch?.slaAtRisk ?? false;
  // A replay of a request no longer pending (cancelled, or assigned to a van whose position is unknown) says no more.
  if (request.status !== 'pending') return { slaAtRisk };
  return { slaAtRisk, ...pendingView(request, queued, dispatch) };
}

/**
 * What a pending customer is told of when help may come: an estimate only where dispatch had a basis for one (the
 * nearest van able to make the deadline, after the next window), else `null`; and one sentence saying which.
 */
function pendingView(
  request: Pick<AnsweredRequest, 'slaDeadline' | 'createdAt'>,
  queued: boolean,
  dispatch: Extract<DispatchOutcome, { kind: 'pending' }> | undefined,
) {
  const estimate = dispatch?.estimate;
  return {
    estimate: estimate
      ? { eta: estimate.eta.toISOString(), etaMinutes: estimate.etaMinutes, basis: estimate.basis }
      : null,
    message: pendingMessage(request, queued, dispatch),
  };
}

const textWhenAssigned = 'We will text you as soon as a technician is assigned.';

function pendingMessage(
  request: Pick<AnsweredRequest, 'slaDeadline' | 'createdAt'>,
  queued: boolean,
  dispatch: Extract<DispatchOutcome, { kind: 'pending' }> | undefined,
): string {
  const estimate = dispatch?.estimate;
  if (estimate?.basis === 'nearest-free-van')
    return `The nearest free technician who can reach you in time could be with you by about ${formatUkTime(estimate.eta)} (${estimate.etaMinutes} min). This is an estimate, not a promise: we are matching technicians to everyone waiting near you, and a more urgent breakdown may need them first. ${textWhenAssigned}`;
  if (estimate?.basis === 'earliest-possible')
    return `Every technician who could reach you in time has just been given another job; we try again within a minute. The earliest help could be with you is about ${formatUkTime(estimate.eta)} (${estimate.etaMinutes} min). ${textWhenAssigned}`;
  const noTimeYet = 'We cannot give you an arrival time yet';
  if (queued) return `Your request is safe with us. ${noTimeYet}: our systems are catching up. ${textWhenAssigned}`;
  const promiseMinutes = Math.round((request.slaDeadline.getTime() - request.createdAt.getTime()) / 60_000);
  switch (dispatch?.reason) {
    case 'none-within-sla':
      return `${noTimeYet}: no free technician can reach you within our ${promiseMinutes}-minute promise. Our operations team has been alerted and is finding you help. ${textWhenAssigned}`;
    case 'no-technician-in-range':
      return `${noTimeYet}: no technician is free in your area. Our operations team has been alerted and is finding you help. ${textWhenAssigned}`;
    default:
      // Still dispatching when the intake's budget ran out, dispatch failed, or the van found was lost at the last step.
      return `${noTimeYet}: we are still finding you a technician. ${textWhenAssigned}`;
  }
}

/** An answer as kept for retries: the tracking token blanked where it stands, since only its hash is ever stored. */
const keptForm = (answer: { trackingToken: string }): string => JSON.stringify({ ...answer, trackingToken: null });

/**
 * The answer this intake gives if dispatch makes the assignment it plans, as kept for retries. It is kept in the
 * assignment's own statement, before the technician's profile comes back with it: null stands where their first name
 * and van go, and a replay fills them in (replayedAnswer).
 */
export function plannedAnswer(
  request: Pick<NewEmergency, 'id' | 'reference' | 'priority' | 'slaDeadline' | 'createdAt'>,
  planned: PlannedAssignment,
): string {
  return keptForm(
    answerBody(
      { ...request, status: 'assigned' },
      '',
      false,
      assignedView(
        { id: planned.technicianId, firstName: null, van: null, distanceKm: planned.distanceKm },
        planned.eta,
        planned.etaMinutes,
      ),
    ),
  );
}

/**
 * Keeps an answer just given for retries with the key. Best effort: without it a retry after this invocation answers
 * with the request as it is then, same id and token.
 */
async function keepAnswer(
  deps: Pick<AnswerDeps, 'requests' | 'log'>,
  answer: ReturnType<typeof answerBody>,
): Promise<void> {
  await deps.requests
    .recordAnswer(answer.id, keptForm(answer))
    .catch((error: unknown) => deps.log.warn('intake answer not kept for retries', { id: answer.id, error: error }));
}

/**
 * The first answer, byte for byte, with its token put back where it stood. An answer kept by its assignment has no
 * technician name or van yet: the directory's, as the first answer had.
 */
async function replayedAnswer(
  deps: Pick<AnswerDeps, 'directory'>,
  kept: string,
  trackingToken: string,
): Promise<Record<string, unknown>> {
  const answer = JSON.parse(kept) as Record<string, unknown>;
  answer.trackingToken = trackingToken;
  const technician = answer.technician as AnsweredAssignment['technician'] | undefined;
  if (!technician || technician.firstName !== null) return answer;
  // Assigning the keys again keeps their places, so the replay serialises as the first answer did.
  Object.assign(technician, visitingTechnician(await deps.directory.findTechnician(technician.id)));
  return answer;
}

/**
 * A retry that has no answer to replay (the first was held in the intake buffer during an outage, and redispatch
 * assigned it later) answers with the request as it is now: who is coming, how far away they are now, and when they
 * are due. Undefined when nobody is, or their position is unknown.
 */
async function assignmentAsItIs(
  deps: Pick<AnswerDeps, 'directory' | 'technicians' | 'clock' | 'log'>,
  request: AnsweredRequest,
): Promise<AnsweredAssignment | undefined> {
  const { technicianId, eta } = request;
  if (!technicianId || !eta || !(['assigned', 'en_route'] as RequestStatus[]).includes(request.status))
    return undefined;
  // A nicety on a retry: without it the answer is still the request, with its id and token.
  const [position, profile] = await Promise.all([
    deps.technicians.position(technicianId),
    deps.directory.findTechnician(technicianId),
  ]).catch((error: unknown) => {
    deps.log.warn('assignment not shown on a retry', { id: request.id, error: error });
    return [undefined, undefined] as const;
  });
  if (!position?.location) return undefined;
  const { firstName, van } = visitingTechnician(profile);
  const distanceKm = roundedKm(haversineKm(request.location, position.location));
  return assignedView({ id: technicianId, firstName, van, distanceKm }, eta, minutesUntil(eta, deps.clock.now()));
}
