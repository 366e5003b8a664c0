// Customer tracking tokens and booking references: what the customer holds, and what we store of it.
import { createHash, timingSafeEqual } from 'node:crypto';

/** Booking references avoid 0/O, 1/I/L and U/V confusion when read out over the phone. */
export const referenceAlphabet = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const referencePattern = /^TH-[2-9A-HJKMNP-TV-Z]{6}$/;

/** Maps random bytes onto a TH-XXXXXX reference (bias from modulo 30 over 256 is irrelevant for an identifier that is also unique-constrained). */
export function referenceFromBytes(bytes: Uint8Array): string {
  if (bytes.length < 6) throw new Error('a reference needs 6 random bytes');
  let suffix = '';
  for (let i = 0; i < 6; i++) suffix += referenceAlphabet[bytes[i]! % referenceAlphabet.length];
  return `TH-${suffix}`;
}

/** Only the SHA-256 of a tracking token is stored, so a database leak does not hand out access to requests. */
export function hashTrackingToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time comparison, so response timing does not reveal how much of a guessed token was right. */
export function trackingTokenMatches(presented: string | undefined, storedHash: string): boolean {
  if (!presented) return false;
  const presentedHash = Buffer.from(hashTrackingToken(presented), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === presentedHash.length && timingSafeEqual(presentedHash, stored);
}

/** Shorter Idempotency-Keys still replay through Powertools, but are too guessable to derive a token from. */
export const minReplayableKeyLength = 16;

/**
 * The request id and tracking token of an intake sent with an Idempotency-Key, derived from the key and the phone: a
 * retry after a lost response (even one whose first Lambda was killed after the commit, before any response was
 * stored) recomputes the same pair, finds the stored row by its id and can hand back the token, although only the
 * token's hash is stored. Anyone who holds both the key and the phone could do the same: the key is the client's own
 * secret (a UUID from the app), which is why short keys get random identifiers instead. Id and token come from
 * separate digests, so the id (shown in URLs) says nothing about the token.
 */
export function replayableIdentity(idempotencyKey: string | undefined, phone: string): { id: string; trackingToken: string } | undefined {
  if (!idempotencyKey || idempotencyKey.length < minReplayableKeyLength) return undefined;
  const digest = (purpose: string) => createHash('sha256').update(`tyrehero:${purpose}:${phone}:${idempotencyKey}`, 'utf8').digest();
  const id = digest('request-id').subarray(0, 16);
  // Shaped as a version-4, RFC 4122 UUID, so it passes every validator the random ones do.
  id[6] = (id[6]! & 0x0f) | 0x40;
  id[8] = (id[8]! & 0x3f) | 0x80;
  const hex = id.toString('hex');
  return {
    id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
    // 192 bits, 32 URL-safe characters: the same shape as a random token.
    trackingToken: digest('tracking-token').subarray(0, 24).toString('base64url'),
  };
}
