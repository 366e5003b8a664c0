// Envelope encryption of phone numbers: one AES-256 data key per container (KMS in AWS, a local key on the local stack
// and in tests), AES-256-GCM per value, and an HMAC for look-ups (KMS GenerateMac in AWS, node:crypto locally).
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, GenerateMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { PhoneProtection } from '#shared/ports/phone-protection.js';

/** Where data keys come from: `current` for sealing, `unwrap` for a key that sealed an earlier value. */
export interface DataKeys {
  current(): Promise<{ key: Buffer; wrapped: string }>;
  unwrap(wrapped: string): Promise<Buffer>;
}

export interface LookupHasher {
  hash(phone: string): Promise<string>;
}

const version = 'v1';
// Bound into every KMS call: a data key made for phone numbers cannot be decrypted for anything else.
export const encryptionContext = { purpose: 'customer-phone' };

export class EnvelopePhoneProtection implements PhoneProtection {
  constructor(
    private readonly keys: DataKeys,
    private readonly hasher: LookupHasher,
  ) {}

  lookupHash(phone: string): Promise<string> {
    return this.hasher.hash(phone);
  }

  async seal(phone: string): Promise<string> {
    const { key, wrapped } = await this.keys.current();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    // The wrapped key is authenticated too, so a value cannot be moved under another key.
    cipher.setAAD(Buffer.from(wrapped));
    const body = Buffer.concat([cipher.update(phone, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return [version, wrapped, iv.toString('base64'), body.toString('base64')].join('.');
  }

  async open(sealed: string): Promise<string> {
    const [v, wrapped, iv, body] = sealed.split('.');
    if (v !== version || !wrapped || !iv || !body) throw new Error('not a sealed phone number');
    const key = await this.keys.unwrap(wrapped);
    const bytes = Buffer.from(body, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(wrapped));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8');
  }
}

/** Local stack and tests: the data key is the configured local key itself. Never used in AWS (config refuses it). */
export class LocalDataKeys implements DataKeys {
  constructor(private readonly key: Buffer) {}

  current() {
    return Promise.resolve({ key: this.key, wrapped: 'local' });
  }

  unwrap(wrapped: string) {
    if (wrapped !== 'local') return Promise.reject(new Error('sealed under a KMS data key, not the local key'));
    return Promise.resolve(this.key);
  }
}

/** One KMS data key per container, generated on first use; earlier keys are decrypted once each and kept. */
export class KmsDataKeys implements DataKeys {
  private generated?: Promise<{ key: Buffer; wrapped: string }>;
  private readonly unwrapped = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
  ) {}

  current() {
    this.generated ??= this.kms
      .send(new GenerateDataKeyCommand({ KeyId: this.keyId, KeySpec: 'AES_256', EncryptionContext: encryptionContext }))
      .then((out) => {
        const wrapped = Buffer.from(out.CiphertextBlob!).toString('base64url');
        const key = Buffer.from(out.Plaintext!);
        this.unwrapped.set(wrapped, Promise.resolve(key));
        return { key, wrapped };
      })
      .catch((error: unknown) => {
        this.generated = undefined;
        throw error;
      });
    return this.generated;
  }

  unwrap(wrapped: string) {
    let key = this.unwrapped.get(wrapped);
    if (!key) {
      key = this.kms
        .send(
          new DecryptCommand({
            KeyId: this.keyId,
            CiphertextBlob: Buffer.from(wrapped, 'base64url'),
            EncryptionContext: encryptionContext,
          }),
        )
        .then((out) => Buffer.from(out.Plaintext!));
      key.catch(() => this.unwrapped.delete(wrapped));
      this.unwrapped.set(wrapped, key);
    }
    return key;
  }
}

export class LocalHmac implements LookupHasher {
  constructor(private readonly key: Buffer) {}

  hash(phone: string) {
    return Promise.resolve(createHmac('sha256', this.key).update(phone, 'utf8').digest('hex'));
  }
}

/** KMS HMAC key (HMAC_256): the hashing key never leaves KMS. */
export class KmsHmac implements LookupHasher {
  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
  ) {}

  async hash(phone: string) {
    const out = await this.kms.send(
      new GenerateMacCommand({ KeyId: this.keyId, MacAlgorithm: 'HMAC_SHA_256', Message: Buffer.from(phone, 'utf8') }),
    );
    return Buffer.from(out.Mac!).toString('hex');
  }
}
