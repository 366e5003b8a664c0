// Idempotency-Key matching for intake: a retry is recognised by its key's hash, and must be the same request.
import { createHash } from 'node:crypto';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64url');

/** The key as stored: clients choose keys, and a hash is all a lookup needs. */
export const idempotencyKeyHash = (key: string) => sha256(`tyrehero:idempotency-key:${key}`);

/**
 * The request as validated, whatever the order of its fields or the spacing of its JSON: a retry from another copy of
 * the app matches, and any change to what is asked for does not. Whether it is a synthetic test is part of it.
 */
export function requestFingerprint(input: unknown, syntheticTest: boolean): string {
  return sha256(canonicalJson({ input, syntheticTest }));
}

/** JSON with every object's keys sorted and undefined members left out, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const members = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`);
  return `{${members.join(',')}}`;
}
