// Customer phone numbers at rest (docs/data-protection.md, "Data protection"): KMS envelope encryption and the keyed look-up hash in
// AWS, the local key on the local stack and in tests. Apart from the rate counter and SMS guard (./protection.ts) so a
// function that only reads requests bundles no DynamoDB or SNS client for them.
import { KMSClient } from '@aws-sdk/client-kms';
import type { CoreConfig } from '#shared/config/core.js';
import { namingUnreachable, sdkClientOptions } from '#shared/adapters/sdk-client-options.js';
import {
  EnvelopePhoneProtection,
  KmsDataKeys,
  KmsHmac,
  LocalDataKeys,
  LocalHmac,
} from '#shared/adapters/crypto/envelope-phone-protection.js';
import type { PhoneProtection } from '#shared/ports/phone-protection.js';

/** One per container: the KMS data key it generates is cached inside, so a warm container makes no KMS call to seal. */
export function makePhoneProtection(
  config: Pick<CoreConfig, 'dataProtection' | 'region'>,
  kms?: KMSClient,
): PhoneProtection {
  const phones = config.dataProtection.phones;
  if (phones.kind === 'local') {
    const key = Buffer.from(phones.key, 'hex');
    return new EnvelopePhoneProtection(new LocalDataKeys(key), new LocalHmac(key));
  }
  const client = kms ?? namingUnreachable(new KMSClient({ region: config.region, ...sdkClientOptions() }));
  return new EnvelopePhoneProtection(new KmsDataKeys(client, phones.dataKeyId), new KmsHmac(client, phones.hashKeyId));
}

/**
 * For a function that stores or reads no customer phone number (the health checks only ping and count): its role has
 * no phone key, so any use is a defect and says so rather than failing on KMS permissions.
 */
export const withoutPhones: PhoneProtection = {
  lookupHash: () => Promise.reject(new Error('this function handles no phone numbers')),
  seal: () => Promise.reject(new Error('this function handles no phone numbers')),
  open: () => Promise.reject(new Error('this function handles no phone numbers')),
};
