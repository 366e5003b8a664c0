// The real clock and random identifiers.
import { randomBytes, randomUUID } from 'node:crypto';
import { referenceFromBytes } from '#shared/domain/tracking.js';
import type { Clock, IdGenerator } from '#shared/ports/clock.js';

export const systemClock: Clock = { now: () => new Date() };

export const randomIds: IdGenerator = {
  uuid: () => randomUUID(),
  reference: () => referenceFromBytes(randomBytes(6)),
  // 192 bits: unguessable, and short enough for an SMS link.
  trackingToken: () => randomBytes(24).toString('base64url'),
};
