// The Idempotency-Key header as the contract states it: 1 to 255 characters, checked before any record is written.
import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ValidationError } from '../errors.js';

export const idempotencyKeyMaxLength = 255;

/** Refuses an empty or over-long key with 422 (headers are already lower-cased by the header normaliser). */
export const checkIdempotencyKey = (): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> => ({
  before: (request) => {
    const key = request.event.headers?.['idempotency-key'];
    if (key === undefined) return;
    if (key.length === 0 || key.length > idempotencyKeyMaxLength) {
      const message = `Idempotency-Key must be 1 to ${idempotencyKeyMaxLength} characters (it has ${key.length}); a UUID is a good key.`;
      throw new ValidationError(message, [{ field: 'headers.Idempotency-Key', message }]);
    }
  },
});
