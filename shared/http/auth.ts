// Who is calling: verifies the bearer JWT (Cognito in AWS, a local key for npm start and tests) by one code path, offline.
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { CoreConfig } from '#shared/config/core.js';
import { Unauthorized } from '#shared/domain/errors.js';
import type { Principal } from '#shared/domain/principal.js';

export interface TokenVerifier {
  verify(authorization: string | undefined): Promise<Principal>;
}

const challenge = () => new Unauthorized('Sign in first: send your access token as "Authorization: Bearer <token>".');

export function makeTokenVerifier(auth: CoreConfig['auth']): TokenVerifier {
  // The staff app's client, and the /ops/live page's hosted sign-in client when the stage has one.
  const clients = new Set([auth.clientId, ...(auth.opsPageClientId ? [auth.opsPageClientId] : [])]);
  let keys: JWTVerifyGetKey | undefined;
  const keySet = (): JWTVerifyGetKey => {
    if (keys) return keys;
    // The keys come with the configuration (read at deploy time in AWS), so no request waits on a fetch, and a VPC with
    // no route to Cognito's jwks.json verifies tokens all the same.
    if (!auth.jwks) throw new Error('Configuration needs AUTH_JWKS (the staff pool’s public keys) to verify tokens');
    keys = createLocalJWKSet(JSON.parse(auth.jwks) as JSONWebKeySet);
    return keys;
  };
  return {
    async verify(authorization) {
      const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
      if (!token) throw challenge();
      let claims: Record<string, unknown>;
      try {
        ({ payload: claims } = await jwtVerify(token, keySet(), {
          issuer: auth.issuer,
          algorithms: ['RS256', 'ES256'],
        }));
      } catch {
        throw new Unauthorized('Your access token is invalid or has expired. Sign in again.');
      }
      // Cognito access tokens carry client_id (not aud) and token_use; an ID token must not open the API.
      if (
        claims.token_use !== 'access' ||
        typeof claims.client_id !== 'string' ||
        !clients.has(claims.client_id) ||
        typeof claims.sub !== 'string'
      )
        throw challenge();
      const groups = Array.isArray(claims['cognito:groups'])
        ? (claims['cognito:groups'] as unknown[]).filter((g): g is string => typeof g === 'string')
        : [];
      return { subject: claims.sub, groups };
    },
  };
}
