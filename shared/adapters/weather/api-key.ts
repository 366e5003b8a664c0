// The forecast API key, from SSM Parameter Store or Secrets Manager through Powertools Parameters (cached, never in the repo).
import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';

export interface KeyStores {
  ssm: Pick<SSMProvider, 'get'>;
  secrets: Pick<SecretsProvider, 'get'>;
}

/** Five minutes: a rotated key is picked up soon, and a run every 15 minutes costs one read per container at most. */
const maxAge = 300;

/** `ssm:/name` or `secretsmanager:name`; undefined when the provider needs no key. */
export function apiKeySource(
  reference: string | undefined,
  stores: () => KeyStores,
): () => Promise<string | undefined> {
  if (!reference) return () => Promise.resolve(undefined);
  const [, kind, name] = /^(ssm|secretsmanager):(.+)$/.exec(reference) ?? [];
  return async () => {
    const value =
      kind === 'ssm'
        ? await stores().ssm.get(name!, { decrypt: true, maxAge })
        : await stores().secrets.get(name!, { maxAge });
    if (typeof value !== 'string' || value === '') throw new Error(`the forecast API key at ${reference} is empty`);
    return value.trim();
  };
}
