// Replaces @aws-sdk/credential-provider-node in the deployed bundles (custom.esbuild.alias in serverless.yml). Lambda puts
// the role's credentials in the environment, so the default chain's other links (SSO, INI profiles, STS web identity,
// container and instance metadata: about 95 KiB with the STS/SSO clients they carry) can never run there.
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
