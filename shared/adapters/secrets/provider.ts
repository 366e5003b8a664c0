// The one Secrets Manager reader of a container (database passwords, the SMS fallback's credentials), through
// Powertools Parameters for its cache, on a client that fails fast (../sdk-client-options.ts) rather than Powertools'
// default client, which has no timeouts.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { namingUnreachable, sdkClientOptions } from '#shared/adapters/sdk-client-options.js';

let provider: SecretsProvider | undefined;

/** Built on first use: a stage whose database needs no secret (DATABASE_URL) never creates the client. */
export const secrets = (): SecretsProvider =>
  (provider ??= new SecretsProvider({
    awsSdkV3Client: namingUnreachable(new SecretsManagerClient(sdkClientOptions())),
  }));
