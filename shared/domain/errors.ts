// Typed failures the use-cases throw; shared/http/problem.ts is the one place that maps them to HTTP.

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. "customer.phone"; "" for the whole body. */
  field: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly kind:
    'validation' | 'not-found' | 'conflict' | 'forbidden' | 'unauthorized' | 'unavailable' | 'rate-limited';
  constructor(
    message: string,
    /** Extra members safe to show the caller (problem+json extension members). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  readonly kind = 'validation';
  constructor(
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message, { errors: fields });
  }
}

export class NotFound extends DomainError {
  readonly kind = 'not-found';
}

export class Conflict extends DomainError {
  readonly kind = 'conflict';
}

export class Forbidden extends DomainError {
  readonly kind = 'forbidden';
}

export class Unauthorized extends DomainError {
  readonly kind = 'unauthorized';
}

/** A dependency (database, table, provider) could not be reached; retrying later may succeed. */
export class Unavailable extends DomainError {
  readonly kind = 'unavailable';
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** Too many requests from one source; `retryAfterSeconds` says when the next will be accepted. */
export class RateLimited extends DomainError {
  readonly kind = 'rate-limited';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message, { retryAfterSeconds });
  }
}

/** An Idempotency-Key already used with a different request: a client bug, or a new request that needs a new key. */
export class IdempotencyKeyReused extends DomainError {
  readonly kind = 'validation';
  constructor() {
    super('This Idempotency-Key was already used with a different body. Use a new key for a new request.');
  }
}

/** The first request with this Idempotency-Key has not answered yet, and its invocation may still be running. */
export class IdempotencyInProgress extends DomainError {
  readonly kind = 'conflict';
  constructor() {
    super('A request with this Idempotency-Key is still being processed. Retry in a few seconds to get its result.');
  }
}
