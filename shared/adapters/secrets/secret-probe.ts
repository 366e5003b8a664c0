// Checks that a Secrets Manager secret answers and is not scheduled for deletion: DescribeSecret reads its metadata, never
// its value.
import { DescribeSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DependencyNotReady } from '#shared/ports/dependency-probe.js';

export class SecretProbe {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
  ) {}

  async check(timeoutMs: number): Promise<void> {
    const { DeletedDate } = await this.client.send(new DescribeSecretCommand({ SecretId: this.secretId }), {
      abortSignal: AbortSignal.timeout(timeoutMs),
    });
    if (DeletedDate) throw new DependencyNotReady('secret is scheduled for deletion');
  }
}
