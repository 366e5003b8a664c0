// Proof of arrival: "arrived" only at the breakdown, "complete" only with the customer's code or an operations override.
import { arrivalCodeMatches, checkArrival, describeDistance } from '#shared/domain/arrival.js';
import { freshSince } from '#shared/domain/durations.js';
import type { EmergencyRequest } from '#shared/domain/emergency.js';
import { transitions, type JobAction } from '#shared/domain/job-lifecycle.js';
import { Conflict, Forbidden, NotFound, ValidationError } from '#shared/domain/errors.js';
import type { Principal } from '#shared/domain/principal.js';
import type { Clock } from '#shared/ports/clock.js';
import type { Log } from '#shared/ports/logger.js';
import type { RequestStore, StepEvidence } from '#shared/ports/request-store.js';
import type { TechnicianIndex } from '#shared/ports/technician-index.js';
import { releaseTechnician } from '#shared/ports/technician-index.js';

export interface ProofDeps {
  requests: RequestStore;
  technicians: TechnicianIndex;
  clock: Clock;
  log: Log;
  dispatch: { freshMinutes: number; arrivalRadiusMeters: number; maxArrivalCodeAttempts: number };
}

/** What the technician's app sends with a step: the customer's arrival code when completing. */
export interface StepInput {
  arrivalCode?: string;
}

/** The same refusals the guarded step gives, decided before any proof is asked for. */
function ownJobAt(
  job: EmergencyRequest | undefined,
  principal: Principal,
  action: JobAction,
): EmergencyRequest | 'repeat' {
  if (!job) throw new NotFound('No job with this id.');
  if (job.technicianId !== principal.subject) throw new Forbidden('This job is not assigned to you.');
  const t = transitions[action];
  // A retry of a step already taken needs no new proof: the store answers it as a repeat and writes nothing.
  if (job.status === t.to && (action === 'arrived' ? job.onSiteAt : job.completedAt)) return 'repeat';
  if (!t.from.includes(job.status)) {
    throw new Conflict(`Cannot ${action.replace('-', ' ')} a job that is ${job.status.replace('_', ' ')}.`, {
      currentStatus: job.status,
    });
  }
  return job;
}

/** The evidence an arriving or completing step carries; other steps need none. */
export async function proveStep(
  deps: ProofDeps,
  principal: Principal,
  jobId: string,
  action: JobAction,
  input: StepInput,
): Promise<StepEvidence | undefined> {
  if (action !== 'arrived' && action !== 'complete') return undefined;
  const job = ownJobAt(await deps.requests.findById(jobId), principal, action);
  if (job === 'repeat') return undefined;
  return action === 'arrived' ? proveArrival(deps, job) : proveCode(deps, job, input.arrivalCode);
}

async function proveArrival(deps: ProofDeps, job: EmergencyRequest): Promise<StepEvidence> {
  const radiusMeters = deps.dispatch.arrivalRadiusMeters;
  const fix = await deps.technicians.position(job.technicianId!);
  const check = checkArrival(job.location, fix, {
    radiusMeters,
    freshSince: freshSince(deps.clock.now(), deps.dispatch.freshMinutes),
  });
  if (check.kind === 'verified') return { kind: 'arrival', distanceMeters: check.distanceMeters };
  if (check.kind === 'no-fresh-position') {
    throw new Conflict(
      'We have no recent position from your van, so we cannot confirm you are at the breakdown. Turn on location sharing in the app, wait for it to send your position, then tap Arrived again.',
      {
        currentStatus: job.status,
        reason: 'no-fresh-position',
        radiusMeters,
        ...(check.lastFixAt ? { lastPositionAt: check.lastFixAt.toISOString() } : {}),
      },
    );
  }
  throw new Conflict(
    `You are ${describeDistance(check.distanceMeters)} from the breakdown. Drive to it and tap Arrived again when you are within ${radiusMeters} m. If the pin is in the wrong place, call operations.`,
    { currentStatus: job.status, reason: 'too-far', distanceMeters: check.distanceMeters, radiusMeters },
  );
}

async function proveCode(deps: ProofDeps, job: EmergencyRequest, code: string | undefined): Promise<StepEvidence> {
  const maxAttempts = deps.dispatch.maxArrivalCodeAttempts;
  if ((job.arrivalCodeFailures ?? 0) >= maxAttempts) {
    throw new Conflict('Too many wrong arrival codes for this job. Call operations: they can close it with a reason.', {
      currentStatus: job.status,
      reason: 'code-locked',
    });
  }
  if (!code) {
    throw new ValidationError(
      'Ask the customer for the 4-digit arrival code on their tracking page and enter it to complete the job.',
      [{ field: 'arrivalCode', message: 'required' }],
    );
  }
  if (!job.arrivalCode || !arrivalCodeMatches(code, job.arrivalCode)) {
    const left = Math.max(0, maxAttempts - (await deps.requests.recordArrivalCodeFailure(job.id)));
    throw new ValidationError(
      `That is not the customer's arrival code. Check it with them: it is on their tracking page. ${left === 0 ? 'No tries left: call operations.' : `${left} ${left === 1 ? 'try' : 'tries'} left.`}`,
      [{ field: 'arrivalCode', message: 'does not match' }],
    );
  }
  return { kind: 'code' };
}

/** Operations close a job without the customer's code (no signal, customer gone); the reason and who are kept in the audit trail. */
export async function completeByOverride(
  deps: ProofDeps,
  principal: Principal,
  jobId: string,
  reason: string,
): Promise<EmergencyRequest> {
  const outcome = await deps.requests.transition(jobId, 'complete', () => deps.clock.now(), undefined, {
    kind: 'override',
    reason,
    by: principal.subject,
  });
  if (outcome.kind === 'not-found' || outcome.kind === 'not-yours') throw new NotFound('No job with this id.');
  if (outcome.kind === 'not-allowed') {
    throw new Conflict(`Only a job on site can be closed; this one is ${outcome.status.replace('_', ' ')}.`, {
      currentStatus: outcome.status,
    });
  }
  if (outcome.previous.technicianId && !outcome.repeated)
    await releaseTechnician(deps, outcome.previous.technicianId, jobId);
  deps.log.info('job completed by operations override', { jobId, by: principal.subject });
  return outcome.request;
}
