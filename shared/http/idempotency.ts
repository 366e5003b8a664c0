// Idempotency-Key handling at the HTTP edge: the key's contract (1..255 characters). Replays are the use case's: the
// key is matched with the request in PostgreSQL (functions/intake/create-emergency.ts, migration 0015), and the answer
// a retry gets back is built and kept by intake (functions/intake/answer.ts).
import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ValidationError } from '#shared/domain/errors.js';

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
