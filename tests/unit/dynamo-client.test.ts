// The DynamoDB client builder: what it leaves out of every call's middleware.
import { describe, expect, it } from 'vitest';
import { makeDocumentClient, makeDynamoClient } from '#shared/adapters/dynamodb/client.js';

const config = { region: 'eu-west-2', dynamodb: { endpoint: 'http://127.0.0.1:9' } } as Parameters<
  typeof makeDynamoClient
>[0];

describe('makeDynamoClient', () => {
  it('drops the SDK logger middleware, which filters every item for a no-op logger', () => {
    const client = makeDynamoClient(config);
    const names = client.middlewareStack.identify();
    expect(names.some((n) => n.startsWith('loggerMiddleware'))).toBe(false);
    // Still signs and retries: only the logger went.
    expect(names.some((n) => n.startsWith('retryMiddleware'))).toBe(true);
    expect(names.some((n) => n.startsWith('httpSigningMiddleware'))).toBe(true);
    client.destroy();
  });

  it('keeps it out of the document client built on it', () => {
    const client = makeDynamoClient(config);
    expect(
      makeDocumentClient(client)
        .middlewareStack.identify()
        .some((n) => n.startsWith('loggerMiddleware')),
    ).toBe(false);
    client.destroy();
  });
});
