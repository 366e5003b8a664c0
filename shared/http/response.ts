// Shapes every HTTP response the same way: JSON or problem+json body, security headers, CORS.
import type { APIGatewayProxyResult } from 'aws-lambda';

export interface HttpResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const securityHeaders: Record<string, string> = {
  'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  // Responses carry tracking tokens and personal data: never let a shared cache keep them.
  'cache-control': 'no-store',
};

export function corsHeaders(
  allowedOrigins: readonly string[],
  requestOrigin: string | undefined,
): Record<string, string> {
  if (allowedOrigins.includes('*')) return { 'access-control-allow-origin': '*' };
  if (requestOrigin && allowedOrigins.includes(requestOrigin))
    return { 'access-control-allow-origin': requestOrigin, vary: 'origin' };
  return { vary: 'origin' };
}

export function finish(
  result: HttpResult,
  cors: Record<string, string>,
  contentType = 'application/json',
): APIGatewayProxyResult {
  const hasBody = result.body !== undefined;
  return {
    statusCode: result.status,
    headers: { ...securityHeaders, ...cors, ...(hasBody ? { 'content-type': contentType } : {}), ...result.headers },
    body: hasBody ? JSON.stringify(result.body) : '',
  };
}
