// The request fingerprint behind Idempotency-Key matching: equal requests match however their JSON is written, and
// any change to what is asked for does not.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, idempotencyKeyHash, requestFingerprint } from '#shared/domain/idempotency.js';

/** Rebuilds every object with its keys in a random order: the same value, written differently. */
function shuffled(value: unknown, random: () => number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffled(v, random));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, shuffled(v, random)] as const);
  entries.sort(() => random() - 0.5);
  return Object.fromEntries(entries);
}

describe('requestFingerprint', () => {
  it('is the same for the same request with its fields in any order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer(), (value, seed) => {
        let state = seed;
        const random = () => (state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
        expect(requestFingerprint(shuffled(value, random), false)).toBe(requestFingerprint(value, false));
      }),
    );
  });

  it('differs when any member changes, is added or is removed, and between a synthetic test and a real request', () => {
    const body = {
      customer: { name: 'Siân Jones', phone: '+447700900123' },
      location: { lat: 51.5, lon: -0.1 },
      issue: 'blowout',
    };
    const base = requestFingerprint(body, false);
    expect(requestFingerprint({ ...body, issue: 'valve' }, false)).not.toBe(base);
    expect(requestFingerprint({ ...body, location: { lat: 51.5, lon: -0.10001 } }, false)).not.toBe(base);
    expect(requestFingerprint({ ...body, notes: 'x' }, false)).not.toBe(base);
    expect(requestFingerprint({ customer: body.customer, location: body.location }, false)).not.toBe(base);
    expect(requestFingerprint(body, true)).not.toBe(base);
  });

  it('leaves undefined members out, as JSON does, so an optional field left unset matches one never sent', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
    expect(canonicalJson({ b: [1, { d: 2, c: 3 }], a: 'x' })).toBe('{"a":"x","b":[1,{"c":3,"d":2}]}');
  });
});

describe('idempotencyKeyHash', () => {
  it('never stores the key itself, and tells keys apart', () => {
    const key = '6f1c1d2e-demo-0001';
    expect(idempotencyKeyHash(key)).not.toContain(key);
    expect(idempotencyKeyHash(key)).toBe(idempotencyKeyHash(key));
    expect(idempotencyKeyHash(key)).not.toBe(idempotencyKeyHash(`${key}x`));
  });
});
