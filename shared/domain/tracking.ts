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

/**
 * The request id of an intake sent with an Idempotency-Key, derived from the key and the phone, so that a retry holds
 * the same id wherever it lands: in PostgreSQL the key itself is matched (migration 0015), but in the intake buffer,
 * while PostgreSQL is down, the id is what makes the held item's put conditional. Keys of any length: the tracking token
 * is a keyed hash of the id (adapters/crypto/keyed-tracking-links.ts), so knowing the key and the phone gives the id
 * (which is shown in URLs anyway) and never the token.
 */
export function replayableId(idempotencyKey: string | undefined, phone: string): string | undefined {
  if (!idempotencyKey) return undefined;
  const id = createHash('sha256')
    .update(`tyrehero:request-id:${phone}:${idempotencyKey}`, 'utf8')
    .digest()
    .subarray(0, 16);
  // Shaped as a version-4, RFC 4122 UUID, so it passes every validator the random ones do.
  id[6] = (id[6]! & 0x0f) | 0x40;
  id[8] = (id[8]! & 0x3f) | 0x80;
  const hex = id.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
