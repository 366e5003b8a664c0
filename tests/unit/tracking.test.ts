import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  hashTrackingToken,
  referenceFromBytes,
  referencePattern,
  trackingTokenMatches,
} from '#shared/domain/tracking.js';
import { randomIds } from '#shared/adapters/system.js';

describe('booking references', () => {
  it('are TH- and six characters without 0, O, 1, I, L or U, for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), (bytes) => {
        const reference = referenceFromBytes(bytes);
        return referencePattern.test(reference) && !/[01OILU]/.test(reference.slice(3));
      }),
    );
  });

  it('refuses fewer than six random bytes', () => {
    expect(() => referenceFromBytes(new Uint8Array(5))).toThrow(/6 random bytes/);
  });

  it('rarely repeat across 10 000 draws', () => {
    const drawn = new Set(Array.from({ length: 10_000 }, () => randomIds.reference()));
    expect(drawn.size).toBeGreaterThan(9_990);
  });
});

describe('tracking tokens', () => {
  it('match only the token they were hashed from', () => {
    const token = randomIds.trackingToken();
    const stored = hashTrackingToken(token);
    expect(trackingTokenMatches(token, stored)).toBe(true);
    expect(trackingTokenMatches(`${token}x`, stored)).toBe(false);
    expect(trackingTokenMatches(randomIds.trackingToken(), stored)).toBe(false);
    expect(trackingTokenMatches(undefined, stored)).toBe(false);
    expect(trackingTokenMatches('', stored)).toBe(false);
  });

  it('are stored as a 64-character SHA-256 hex digest, never as themselves', () => {
    const token = randomIds.trackingToken();
    const stored = hashTrackingToken(token);
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(stored).not.toContain(token);
  });
});
