import { describe, expect, it } from 'vitest';
import { requestStatuses } from '#shared/domain/emergency.js';
import { canApply, transitions, type JobAction } from '#shared/domain/job-lifecycle.js';

const allowed: Record<JobAction, string[]> = {
  accept: ['assigned'],
  decline: ['assigned'],
  'en-route': ['assigned'],
  arrived: ['en_route'],
  complete: ['on_site'],
  cancel: ['pending', 'assigned', 'en_route'],
};

describe('job lifecycle', () => {
  for (const [action, from] of Object.entries(allowed) as Array<[JobAction, string[]]>) {
    it.each(requestStatuses)(`${action} from %s is allowed only from ${from.join('/')}`, (status) => {
      expect(canApply(action, status)).toBe(from.includes(status));
    });
  }

  it.each([
    ['accept', 'assigned', false],
    ['decline', 'pending', true],
    ['en-route', 'en_route', false],
    ['arrived', 'on_site', false],
    ['complete', 'completed', true],
    ['cancel', 'cancelled', true],
  ] as const)('%s leads to %s and frees the technician: %s', (action, to, frees) => {
    expect(transitions[action]).toMatchObject({ to, freesTechnician: frees });
  });

  it('never leaves completed or cancelled', () => {
    for (const action of Object.keys(transitions) as JobAction[]) {
      expect(canApply(action, 'completed')).toBe(false);
      expect(canApply(action, 'cancelled')).toBe(false);
    }
  });
});
