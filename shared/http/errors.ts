// Failures that only exist at the HTTP edge (before a use-case runs): body encoding, size and media type.

export class HttpInputError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    readonly title: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpInputError';
  }
}

export const malformedJson = (reason: string) =>
  new HttpInputError(
    400,
    'Malformed JSON',
    `The request body is not valid JSON (${reason}). Send a JSON object, e.g. {"customer": {...}}.`,
  );
export const bodyTooLarge = (limit: number) =>
  new HttpInputError(
    413,
    'Payload too large',
    `The request body is larger than ${limit} bytes. Shorten free-text fields such as notes.`,
  );
export const unsupportedMediaType = (got: string | undefined) =>
  new HttpInputError(
    415,
    'Unsupported media type',
    `Send the body as application/json${got ? `, not ${got}` : ' with a Content-Type header'}.`,
  );
export const missingBody = () => new HttpInputError(400, 'Missing body', 'This endpoint needs a JSON body.');
