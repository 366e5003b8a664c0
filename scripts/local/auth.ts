// Local signing key and token minting: tokens shaped like Cognito access tokens, verified by the same code as in AWS.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';

export interface LocalSigner {
  /** Public JWKS, for AUTH_JWKS. */
  publicJwks: string;
  mint(
    subject: string,
    groups: string[],
    options?: { expiresIn?: string; clientId?: string; tokenUse?: string; issuer?: string },
  ): Promise<string>;
}

export const localIssuer = 'tyrehero-local';
export const localClientId = 'tyrehero-local-app';
const kid = 'tyrehero-local-1';

async function signerFrom(privateJwk: JWK): Promise<LocalSigner> {
  const key = await importJWK(privateJwk, 'ES256');
  const { d: _private, ...publicJwk } = privateJwk;
  return {
    publicJwks: JSON.stringify({ keys: [{ ...publicJwk, kid, alg: 'ES256', use: 'sig' }] }),
    mint: (subject, groups, options = {}) =>
      new SignJWT({
        'cognito:groups': groups,
        client_id: options.clientId ?? localClientId,
        token_use: options.tokenUse ?? 'access',
      })
        .setProtectedHeader({ alg: 'ES256', kid })
        .setSubject(subject)
        .setIssuer(options.issuer ?? localIssuer)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '12h')
        .sign(key),
  };
}

export async function newSigner(): Promise<LocalSigner> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return signerFrom(await exportJWK(privateKey));
}

/** The local stack's key lives in .local/auth, created on first use, so tokens minted earlier keep working. */
export async function localSigner(dataDir: string): Promise<LocalSigner> {
  const file = path.join(dataDir, 'auth', 'signing-key.json');
  if (!existsSync(file)) {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(await exportJWK(privateKey)), { mode: 0o600 });
  }
  return signerFrom(JSON.parse(readFileSync(file, 'utf8')) as JWK);
}
