// Tokens for tests: a key per test file, signed like Cognito access tokens, verified by the production code path.
import { localClientId, localIssuer, newSigner, type LocalSigner } from '../../scripts/local/auth.js';

export async function testAuth(): Promise<{ signer: LocalSigner; env: Record<string, string> }> {
  const signer = await newSigner();
  return { signer, env: { AUTH_JWKS: signer.publicJwks, AUTH_ISSUER: localIssuer, AUTH_CLIENT_ID: localClientId } };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
