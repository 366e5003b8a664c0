// The job state machine: which transition is allowed from which status, and what each one stamps.
import type { RequestStatus } from './emergency.js';

export type JobAction = 'accept' | 'decline' | 'en-route' | 'arrived' | 'complete' | 'cancel';

export interface Transition {
  from: readonly RequestStatus[];
  to: RequestStatus;
  /** The timestamp column the transition sets, if any. */
  stamps?: 'accepted_at' | 'en_route_at' | 'on_site_at' | 'completed_at' | 'cancelled_at';
  /** Whether the technician is free for other work afterwards. */
  freesTechnician: boolean;
}

export const transitions: Record<JobAction, Transition> = {
  // Accepting keeps the job 'assigned' but stops the reclaim timer.
  accept: { from: ['assigned'], to: 'assigned', stamps: 'accepted_at', freesTechnician: false },
  decline: { from: ['assigned'], to: 'pending', freesTechnician: true },
  'en-route': { from: ['assigned'], to: 'en_route', stamps: 'en_route_at', freesTechnician: false },
  arrived: { from: ['en_route'], to: 'on_site', stamps: 'on_site_at', freesTechnician: false },
  complete: { from: ['on_site'], to: 'completed', stamps: 'completed_at', freesTechnician: true },
  cancel: { from: ['pending', 'assigned', 'en_route'], to: 'cancelled', stamps: 'cancelled_at', freesTechnician: true },
};

export function canApply(action: JobAction, current: RequestStatus): boolean {
  return transitions[action].from.includes(current);
}
