// Checks that a KMS key answers and is enabled: DescribeKey reads its metadata only, so the health function's role
// needs no right to encrypt, decrypt or hash with it.
import { DescribeKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { DependencyNotReady } from '#shared/ports/dependency-probe.js';

export class KmsKeyProbe {
  constructor(
    private readonly client: KMSClient,
    private readonly keyId: string,
  ) {}

  async check(timeoutMs: number): Promise<void> {
    const { KeyMetadata } = await this.client.send(new DescribeKeyCommand({ KeyId: this.keyId }), {
      abortSignal: AbortSignal.timeout(timeoutMs),
    });
    if (KeyMetadata?.KeyState !== 'Enabled')
      throw new DependencyNotReady(`key is ${KeyMetadata?.KeyState ?? 'unknown'}`);
  }
}
