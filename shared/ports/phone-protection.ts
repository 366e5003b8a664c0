// Customer phone numbers at rest: sealed (encrypted) for storage, and a keyed hash for finding them again.

export interface PhoneProtection {
  /** Keyed hash (HMAC-SHA-256, hex): equal numbers give equal hashes; without the key it reveals nothing. */
  lookupHash(phone: string): Promise<string>;
  /** Encrypts a number for storage (envelope encryption: a data key under a master key, AES-256-GCM). */
  seal(phone: string): Promise<string>;
  /** The number a sealed value holds; throws when it was tampered with or sealed under an unknown key. */
  open(sealed: string): Promise<string>;
}
