// What every HTTP route needs from config (body limit, CORS), and the token verifier of the staff routes.
import type { CoreConfig } from '#shared/config/core.js';
import { makeTokenVerifier, type TokenVerifier } from '#shared/http/auth.js';
import type { HttpSettings } from '#shared/http/route.js';

/** Each route loads routeConcerns (shared/config/http.ts) for this. */
export function httpSettings(config: Pick<CoreConfig, 'http' | 'intake'>): HttpSettings {
  return { maxBodyBytes: config.intake.maxBodyBytes, corsAllowedOrigins: config.http.corsAllowedOrigins };
}

export function tokenVerifier(config: Pick<CoreConfig, 'auth'>): TokenVerifier {
  return makeTokenVerifier(config.auth);
}

/** The deps an HTTP route's chain takes, beside its use-case's. */
export interface RouteDeps {
  http: HttpSettings;
}

/** A staff route's: it verifies the bearer token before anything else. */
export interface StaffRouteDeps extends RouteDeps {
  verifier: TokenVerifier;
}
