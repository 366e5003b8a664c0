// Envelope encryption of phone numbers: KMS is stubbed (no local engine) and every command sent is asserted exactly.
import { DecryptCommand, GenerateDataKeyCommand, GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  EnvelopePhoneProtection,
  KmsDataKeys,
  KmsHmac,
  LocalDataKeys,
  LocalHmac,
} from '#shared/adapters/crypto/envelope-phone-protection.js';
import { makePhoneProtection } from '#shared/compose/phones.js';

const kms = mockClient(KMSClient);
const dataKey = Buffer.alloc(32, 7);
const wrappedKey = Buffer.from('wrapped-data-key-blob');

beforeEach(() => {
  kms.reset();
  kms
    .on(GenerateDataKeyCommand)
    .resolves({ Plaintext: dataKey, CiphertextBlob: wrappedKey, KeyId: 'arn:aws:kms:eu-west-2:123456789012:key/data' });
  kms.on(DecryptCommand).resolves({ Plaintext: dataKey });
  kms.on(GenerateMacCommand).resolves({ Mac: Buffer.from('c0ffee', 'hex') });
});

const protection = () =>
  makePhoneProtection(
    {
      region: 'eu-west-2',
      dataProtection: {
        phones: { kind: 'kms', dataKeyId: 'arn:data', hashKeyId: 'arn:hash' },
        intakeLimitPerPhoneHour: 5,
        smsLimitPerDestinationHour: 10,
        retentionDays: 30,
      },
    },
    new KMSClient({ region: 'eu-west-2' }),
  );

describe('KMS envelope encryption', () => {
  it('generates one AES-256 data key per container, bound to its purpose, and seals every number with it', async () => {
    const phones = protection();
    const sealed = await Promise.all(['+447700900123', '+447700900124', '+353851234567'].map((p) => phones.seal(p)));
    expect(kms.commandCalls(GenerateDataKeyCommand).map((c) => c.args[0].input)).toEqual([
      { KeyId: 'arn:data', KeySpec: 'AES_256', EncryptionContext: { purpose: 'customer-phone' } },
    ]);
    expect(new Set(sealed).size).toBe(3);
    for (const s of sealed) expect(s.split('.')[1]).toBe(wrappedKey.toString('base64url'));
    expect(await phones.open(sealed[2]!)).toBe('+353851234567');
    // The key it generated is already known: opening needs no Decrypt call.
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(0);
  });

  it('decrypts the data key of a value sealed by another container once, with the same context, then opens it', async () => {
    const sealed = await protection().seal('+447700900555');
    kms.resetHistory();
    const other = protection();
    expect(await other.open(sealed)).toBe('+447700900555');
    expect(await other.open(sealed)).toBe('+447700900555');
    expect(kms.commandCalls(DecryptCommand).map((c) => c.args[0].input)).toEqual([
      { KeyId: 'arn:data', CiphertextBlob: wrappedKey, EncryptionContext: { purpose: 'customer-phone' } },
    ]);
    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(0);
  });

  it('hashes for look-ups with KMS GenerateMac (HMAC-SHA-256) and never sends the number anywhere else', async () => {
    expect(await protection().lookupHash('+447700900123')).toBe('c0ffee');
    expect(kms.commandCalls(GenerateMacCommand).map((c) => c.args[0].input)).toEqual([
      { KeyId: 'arn:hash', MacAlgorithm: 'HMAC_SHA_256', Message: Buffer.from('+447700900123') },
    ]);
  });

  it('refuses a tampered value', async () => {
    const sealed = await protection().seal('+447700900123');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64');
    body[0] = body[0]! ^ 1;
    await expect(protection().open([...parts.slice(0, 3), body.toString('base64')].join('.'))).rejects.toThrow();
  });
});

describe('local keys (local stack and tests)', () => {
  const key = Buffer.alloc(32, 1);
  const local = new EnvelopePhoneProtection(new LocalDataKeys(key), new LocalHmac(key));

  it('round-trips, hashes deterministically and differs per key', async () => {
    expect(await local.open(await local.seal('+447700900123'))).toBe('+447700900123');
    expect(await local.lookupHash('+447700900123')).toBe(await local.lookupHash('+447700900123'));
    expect(await local.lookupHash('+447700900123')).not.toBe(
      await new LocalHmac(Buffer.alloc(32, 2)).hash('+447700900123'),
    );
  });

  it('cannot open a value sealed under a KMS data key', async () => {
    const sealed = await new EnvelopePhoneProtection(
      new KmsDataKeys(new KMSClient({ region: 'eu-west-2' }), 'arn:data'),
      new KmsHmac(new KMSClient({ region: 'eu-west-2' }), 'arn:hash'),
    ).seal('+447700900123');
    await expect(local.open(sealed)).rejects.toThrow(/KMS data key/);
  });
});
