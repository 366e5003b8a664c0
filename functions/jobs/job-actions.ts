// The assigned technician moves a job through its lifecycle; everyone affected is told.
import type { EmergencyRequest } from '#shared/domain/emergency.js';
import { transitions, type JobAction } from '#shared/domain/job-lifecycle.js';
import { Conflict, Forbidden, NotFound } from '#shared/domain/errors.js';
import type { Principal } from '#shared/domain/principal.js';
import type { Dispatcher } from '#shared/ports/dispatcher.js';
import type { Log } from '#shared/ports/logger.js';
import { notify, type Notifier } from '#shared/ports/notifier.js';
import { releaseTechnician } from '#shared/ports/technician-index.js';
import { aboutRequest } from '#shared/ports/notifier.js';
import { formatUkTime } from '#shared/domain/uk-day.js';
import { proveStep, type ProofDeps, type StepInput } from './proof-of-arrival.js';

export type TechnicianAction = Exclude<JobAction, 'cancel'>;

/** Dispatcher: a declined job is offered straight on (functions/dispatch, mixed in by the composition). */
export type JobActionDeps = ProofDeps & Dispatcher & { notifier: Notifier; log: Log };

export async function applyJobAction(
  deps: JobActionDeps,
  principal: Principal,
  jobId: string,
  action: TechnicianAction,
  input: StepInput = {},
): Promise<EmergencyRequest> {
  // Arriving and completing must be proven (the van's position, the customer's code) before the step is taken.
  const evidence = await proveStep(deps, principal, jobId, action, input);
  const outcome = await deps.requests.transition(jobId, action, () => deps.clock.now(), principal.subject, evidence);
  if (outcome.kind === 'not-found') throw new NotFound('No job with this id.');
  // Not 404: the job exists, and saying so to a signed-in technician leaks nothing a customer could use.
  if (outcome.kind === 'not-yours') throw new Forbidden('This job is not assigned to you.');
  if (outcome.kind === 'not-allowed') {
    throw new Conflict(`Cannot ${action.replace('-', ' ')} a job that is ${outcome.status.replace('_', ' ')}.`, {
      currentStatus: outcome.status,
    });
  }
  const job = outcome.request;
  // A repeated step already told everyone and freed whoever it frees.
  if (outcome.repeated) return job;
  if (transitions[action].freesTechnician) await releaseTechnician(deps, principal.subject, jobId);

  if (action === 'en-route') {
    const eta = job.eta ? ` Expected by ${formatUkTime(job.eta)}.` : '';
    await notify(deps, {
      ...aboutRequest(job),
      channel: 'sms',
      purpose: 'customer-en-route',
      requestId: job.id,
      to: job.phone,
      text: `TyreHero ${job.reference}: your technician is on the way.${eta}`,
    });
  } else if (action === 'arrived') {
    await notify(deps, {
      ...aboutRequest(job),
      channel: 'sms',
      purpose: 'customer-arrived',
      requestId: job.id,
      to: job.phone,
      text: `TyreHero ${job.reference}: your technician has arrived.`,
    });
  } else if (action === 'decline') {
    // Offer it straight on, excluding everyone who declined; redispatch retries if this finds nobody.
    try {
      await deps.dispatchRequest(job);
    } catch (error) {
      deps.log.error('re-offer after decline failed; redispatch will retry', { jobId, error: error });
    }
  }
  return job;
}
