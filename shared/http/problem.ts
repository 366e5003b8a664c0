// The one place that knows HTTP status codes: typed errors in, RFC 9457 problem+json out.
import { DomainError, IdempotencyInProgress, IdempotencyKeyReused, RateLimited } from '#shared/domain/errors.js';
import { HttpInputError } from './errors.js';
import type { HttpResult } from './response.js';

export const problemContentType = 'application/problem+json';

const problemType = (slug: string) => `https://tyrehero.example/problems/${slug}`;

const domainStatus: Record<DomainError['kind'], { status: number; title: string; slug: string }> = {
  validation: { status: 422, title: 'Invalid request', slug: 'validation' },
  'not-found': { status: 404, title: 'Not found', slug: 'not-found' },
  conflict: { status: 409, title: 'Conflict', slug: 'conflict' },
  forbidden: { status: 403, title: 'Forbidden', slug: 'forbidden' },
  unauthorized: { status: 401, title: 'Unauthorized', slug: 'unauthorized' },
  unavailable: { status: 503, title: 'Service unavailable', slug: 'unavailable' },
  'rate-limited': { status: 429, title: 'Too many requests', slug: 'rate-limited' },
};

export interface Problem extends HttpResult {
  /** True when the cause is ours (a bug or an outage) and deserves an error log with the stack. */
  unexpected: boolean;
}

export function toProblem(error: unknown, instance: string | undefined): Problem {
  const problem = (
    status: number,
    slug: string,
    title: string,
    detail: string,
    extra: Record<string, unknown> = {},
    unexpected = false,
  ): Problem => ({
    status,
    body: { type: problemType(slug), title, status, detail, ...(instance ? { instance } : {}), ...extra },
    unexpected,
    ...(status === 503
      ? { headers: { 'retry-after': '5' } }
      : status === 401
        ? { headers: { 'www-authenticate': 'Bearer' } }
        : {}),
  });

  if (error instanceof RateLimited) {
    return {
      ...problem(429, 'rate-limited', 'Too many requests', error.message, error.details),
      headers: { 'retry-after': String(error.retryAfterSeconds) },
    };
  }
  if (error instanceof IdempotencyKeyReused)
    return problem(422, 'idempotency-key-reused', 'Idempotency-Key reused', error.message);
  if (error instanceof IdempotencyInProgress)
    return problem(409, 'idempotency-in-progress', 'Request in progress', error.message);
  if (error instanceof DomainError) {
    const { status, title, slug } = domainStatus[error.kind];
    return problem(status, slug, title, error.message, error.details, error.kind === 'unavailable');
  }
  if (error instanceof HttpInputError) {
    return problem(error.status, error.title.toLowerCase().replace(/\s+/g, '-'), error.title, error.message);
  }
  // Anything else is a defect: say so plainly, keep internals (stack, SQL) out of the response.
  return problem(
    500,
    'internal',
    'Internal error',
    'Something went wrong on our side. Please try again; if you are in danger call 999.',
    {},
    true,
  );
}
