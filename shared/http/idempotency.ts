// Idempotency-Key handling at the HTTP edge: the key's contract (1..255 characters), and Powertools' middleware made
// safe under concurrency (a refused retry must never remove the in-progress record of the request it was refused for).
import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ValidationError } from '../errors.js';

export const idempotencyKeyMaxLength = 255;

type Middleware = middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult>;

/** Refuses an empty or over-long key with 422 (headers are already lower-cased by the header normaliser). */
export const checkIdempotencyKey = (): Middleware => ({
  before: (request) => {
    const key = request.event.headers?.['idempotency-key'];
    if (key === undefined) return;
    if (key.length === 0 || key.length > idempotencyKeyMaxLength) {
      const message = `Idempotency-Key must be 1 to ${idempotencyKeyMaxLength} characters (it has ${key.length}); a UUID is a good key.`;
      throw new ValidationError(message, [{ field: 'headers.Idempotency-Key', message }]);
    }
  },
});

const ownsRecord = 'tyrehero.idempotency.ownsInProgressRecord';

/**
 * Powertools' middy middleware deletes the key's record in onError, and middy runs onError for every middleware
 * whatever failed: so a retry refused as "already in progress" (or as a reused key) deleted the in-progress record
 * of the request it was refused for, and the next retry ran the use-case again and met the duplicate-phone check.
 * Only the request that wrote the in-progress record may delete it when its own handler fails.
 */
export function ownedIdempotency(inner: Middleware): Middleware {
  return {
    before: async (request) => {
      const replay = await inner.before!(request);
      // undefined: this request wrote the in-progress record (or there is no key) and goes on to the handler.
      if (replay === undefined) (request.internal as Record<string, unknown>)[ownsRecord] = true;
      return replay;
    },
    after: inner.after,
    onError: async (request) => {
      if ((request.internal as Record<string, unknown>)[ownsRecord] === true) await inner.onError!(request);
    },
  };
}
