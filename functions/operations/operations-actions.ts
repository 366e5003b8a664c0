// A dispatcher acts on a request from the live view: takes it off its technician and dispatches it again (or gives it
// to a technician they chose), or cancels it. The reason and who acted go into the audit trail with the change.
import { freshSince } from '#shared/domain/durations.js';
import { openStatuses, type EmergencyRequest } from '#shared/domain/emergency.js';
import { etaFromPosition, type EtaSettings } from '#shared/domain/eta.js';
import { visitingTechnician } from '#shared/domain/technician.js';
import { fleetForRequest, fleetOfTechnician } from '#shared/domain/test-fleet.js';
import { formatUkTime } from '#shared/domain/uk-day.js';
import { Conflict, NotFound } from '#shared/domain/errors.js';
import type { Principal } from '#shared/domain/principal.js';
import { aboutRequest } from '#shared/ports/notifier.js';
import type { OperationsAction, OperationsOutcome, OperationsRequestStore } from '#shared/ports/request-store.js';
import type { TechnicianDirectory } from '#shared/ports/technician-directory.js';
import type { TechnicianIndex, TechnicianPosition } from '#shared/ports/technician-index.js';
import type { Dispatcher, DispatchOutcome } from '#shared/ports/dispatcher.js';
import type { Clock } from '#shared/ports/clock.js';
import type { Log } from '#shared/ports/logger.js';
import { notify, type Notifier } from '#shared/ports/notifier.js';
import type { RequestStore } from '#shared/ports/request-store.js';
import { releaseTechnician } from '#shared/ports/technician-index.js';

/** Dispatcher: a reassigned request is dispatched again, or offered to the chosen technician (functions/dispatch). */
export interface OperationsActionDeps extends Dispatcher {
  requests: RequestStore;
  technicians: TechnicianIndex;
  notifier: Notifier;
  clock: Clock;
  log: Log;
  /** A technician chosen by operations is sent directly: how fresh their position must be, and how their ETA is set. */
  dispatch: { freshMinutes: number; eta: EtaSettings };
  /** The conditional writes behind each action. */
  operationsStore: OperationsRequestStore;
  /** Who had the job, to tell them it is no longer theirs. */
  directory: TechnicianDirectory;
}

export interface ActionResult {
  id: string;
  reference: string;
  status: 'pending' | 'assigned' | 'cancelled';
  technicianId?: string;
  eta?: string;
  slaAtRisk: boolean;
  previousTechnicianId?: string;
}

const notFound = () => new NotFound('No request with this id. Refresh the live view: it may have been erased.');

/** 404 for an unknown id, 409 saying what to do instead for a request that is closed; otherwise the changed request. */
function appliedOr(
  outcome: OperationsOutcome,
  what: 'reassign' | 'cancel',
): Extract<OperationsOutcome, { kind: 'applied' }> {
  if (outcome.kind === 'applied') return outcome;
  if (outcome.kind === 'not-found') throw notFound();
  if (outcome.kind === 'not-eligible')
    throw new Conflict(
      'That technician cannot take this request: they have no technician profile, or belong to the other fleet (test or real). Pick another on the map.',
      { currentStatus: outcome.status },
    );
  if (outcome.status === 'completed') {
    throw new Conflict(
      `This request is already completed, so it cannot be ${what === 'reassign' ? 'reassigned' : 'cancelled'}. If the customer needs help again, create a new request.`,
      { currentStatus: outcome.status },
    );
  }
  if (outcome.status === 'cancelled') {
    throw new Conflict(
      `This request is already cancelled${what === 'cancel' ? ': nothing more to do' : ', so it cannot be reassigned. If the customer still needs help, create a new request'}.`,
      { currentStatus: outcome.status },
    );
  }
  throw new Conflict(
    `This request is already with technician ${outcome.technicianId}. Pick another technician, or leave technicianId out to let dispatch choose.`,
    { currentStatus: outcome.status },
  );
}

export async function reassignRequest(
  deps: OperationsActionDeps,
  principal: Principal,
  id: string,
  input: { reason: string; technicianId?: string },
): Promise<ActionResult> {
  if (input.technicianId) return reassignTo(deps, principal, id, input.technicianId, input.reason);
  const outcome = appliedOr(
    await deps.operationsStore.reassignByOperations(id, {
      reason: input.reason,
      by: principal.subject,
      at: deps.clock.now(),
    }),
    'reassign',
  );
  const previous = outcome.previous.technicianId;
  await letGo(deps, outcome.request, previous, 'reassigned');
  deps.log.info('request reassigned by operations', {
    requestId: id,
    by: principal.subject,
    previousTechnicianId: previous,
  });

  // The old technician is in declined_by now, so dispatch offers it to the nearest other one (and texts the customer
  // who is coming). If nobody can take it, it stays pending with slaAtRisk and redispatch keeps trying every minute.
  let dispatched: DispatchOutcome | undefined;
  try {
    dispatched = await deps.dispatchRequest(outcome.request);
  } catch (error) {
    deps.log.error('dispatch after a reassignment failed; redispatch will retry', { requestId: id, error: error });
  }
  if (dispatched?.kind === 'assigned') {
    return {
      ...base(outcome.request, previous),
      status: 'assigned',
      technicianId: dispatched.technician.id,
      eta: dispatched.eta.toISOString(),
      slaAtRisk: false,
    };
  }
  // The customer had been told someone was coming: tell them we are finding someone else.
  if (previous) {
    await notify(deps, {
      ...aboutRequest(outcome.request),
      channel: 'sms',
      purpose: 'customer-reassigned',
      requestId: id,
      to: outcome.request.phone,
      text: `TyreHero ${outcome.request.reference}: your technician can no longer come. We are finding you another one and will text you when they are on the way. If you are in danger call 999.`,
    });
  }
  return {
    ...base(outcome.request, previous),
    status: 'pending',
    slaAtRisk: dispatched?.slaAtRisk ?? outcome.request.slaAtRisk,
  };
}

/** To the technician operations chose: claimed in the index first, so the request never waits on someone who cannot come. */
async function reassignTo(
  deps: OperationsActionDeps,
  principal: Principal,
  id: string,
  technicianId: string,
  reason: string,
): Promise<ActionResult> {
  // Read only for the ETA and a helpful refusal: the claim and the reassignment below are the conditional writes that decide.
  const request = await deps.requests.findById(id);
  if (!request) throw notFound();
  if (!openStatuses.includes(request.status)) appliedOr({ kind: 'not-allowed', status: request.status }, 'reassign');
  if (request.technicianId === technicianId)
    appliedOr({ kind: 'not-allowed', status: request.status, technicianId }, 'reassign');
  if (fleetOfTechnician(technicianId) !== fleetForRequest(request))
    appliedOr({ kind: 'not-eligible', status: request.status }, 'reassign');
  const now = deps.clock.now();
  const position = await deps.technicians.position(technicianId);
  if (!position?.location) {
    throw new Conflict(
      `Technician ${technicianId} has never sent a position, so they cannot be sent. Pick another on the map, or leave technicianId out to let dispatch choose.`,
      { currentStatus: request.status, reason: 'no-position' },
    );
  }
  const { etaMinutes: minutes, eta } = etaFromPosition(position.location, request, now, deps.dispatch.eta);
  if (!(await deps.technicians.claim(technicianId, id, now, freshSince(now, deps.dispatch.freshMinutes)))) {
    throw new Conflict(
      `Technician ${technicianId} cannot take it: ${whyUnavailable(position, freshSince(now, deps.dispatch.freshMinutes))}. Pick an available technician on the map, or leave technicianId out to let dispatch choose.`,
      {
        currentStatus: request.status,
        reason: 'technician-unavailable',
      },
    );
  }
  const action: OperationsAction = { reason, by: principal.subject, at: now };
  let outcome: Awaited<ReturnType<typeof deps.operationsStore.reassignByOperations>> | undefined;
  try {
    outcome = await deps.operationsStore.reassignByOperations(id, action, { technicianId, eta });
  } finally {
    // Refused (closed meanwhile, same technician) or failed: the claim must not hold them for nothing.
    if (outcome?.kind !== 'applied') await releaseTechnician(deps, technicianId, id);
  }
  const applied = appliedOr(outcome, 'reassign');
  const previous = applied.previous.technicianId;
  await letGo(deps, applied.request, previous, 'reassigned');
  deps.log.info('request reassigned by operations', {
    requestId: id,
    by: principal.subject,
    previousTechnicianId: previous,
    technicianId,
  });

  const profile = outcome.technician;
  const job = applied.request;
  const { firstName, van } = visitingTechnician(profile, { firstName: 'Your new technician', van: 'TyreHero van' });
  await notify(deps, {
    ...aboutRequest(job),
    channel: 'sms',
    purpose: 'customer-reassigned',
    requestId: id,
    to: job.phone,
    text: `TyreHero ${job.reference}: ${previous ? 'your technician has changed. ' : ''}${firstName} is coming to you in a ${van}, expected by ${formatUkTime(eta)} (about ${minutes} min).`,
  });
  if (profile) await deps.offerJob(job, profile.phone, 'given to you by operations');
  return { ...base(job, previous), status: 'assigned', technicianId, eta: eta.toISOString(), slaAtRisk: job.slaAtRisk };
}

export async function cancelRequest(
  deps: OperationsActionDeps,
  principal: Principal,
  id: string,
  reason: string,
): Promise<ActionResult> {
  const outcome = appliedOr(
    await deps.operationsStore.cancelByOperations(id, { reason, by: principal.subject, at: deps.clock.now() }),
    'cancel',
  );
  const previous = outcome.previous.technicianId;
  await letGo(deps, outcome.request, previous, 'cancelled');
  deps.log.info('request cancelled by operations', { requestId: id, by: principal.subject, technicianId: previous });
  await notify(deps, {
    ...aboutRequest(outcome.request),
    channel: 'sms',
    purpose: 'customer-cancelled',
    requestId: id,
    to: outcome.request.phone,
    text: `TyreHero ${outcome.request.reference}: your request has been cancelled by our operations team. If you still need help, request it again. If you are in danger call 999.`,
  });
  return { ...base(outcome.request, previous), status: 'cancelled', slaAtRisk: outcome.request.slaAtRisk };
}

function base(request: EmergencyRequest, previous: string | undefined) {
  return { id: request.id, reference: request.reference, ...(previous ? { previousTechnicianId: previous } : {}) };
}

/** The technician who had the job is freed (only if they still hold it) and told; a failed SMS never undoes the change. */
async function letGo(
  deps: OperationsActionDeps,
  request: EmergencyRequest,
  technicianId: string | undefined,
  what: 'reassigned' | 'cancelled',
): Promise<void> {
  if (!technicianId) return;
  await releaseTechnician(deps, technicianId, request.id);
  let profile;
  try {
    profile = await deps.directory.findTechnician(technicianId);
  } catch (error) {
    deps.log.error('could not look up the technician to tell them', {
      technicianId,
      requestId: request.id,
      error: error,
    });
  }
  if (!profile) return;
  await notify(deps, {
    ...aboutRequest(request),
    channel: 'sms',
    purpose: what === 'cancelled' ? 'technician-job-cancelled' : 'technician-job-reassigned',
    to: profile.phone,
    text: `TyreHero job ${request.reference} has been ${what} by operations and is no longer yours. You are free for other work.`,
  });
}

function whyUnavailable(position: TechnicianPosition, fresh: Date): string {
  if (position.currentJob || position.status === 'busy') return 'they are busy with another job';
  if (position.status === 'on_break') return 'they are on a break';
  if (position.status === 'offline') return 'they are offline';
  if (!position.recordedAt || position.recordedAt < fresh) return 'their van has not sent a position recently';
  return 'they were taken by another job a moment ago';
}
