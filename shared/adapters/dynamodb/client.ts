// DynamoDB clients for the stage: the real service in AWS, or DynamoDB Local when DYNAMODB_ENDPOINT is set.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CoreConfig } from '#shared/config/core.js';
import { namingUnreachable, sdkClientOptions } from '#shared/adapters/sdk-client-options.js';

export function makeDynamoClient(config: Pick<CoreConfig, 'region' | 'dynamodb'>): DynamoDBClient {
  const local = config.dynamodb.endpoint;
  const client = new DynamoDBClient({
    region: config.region,
    ...(local
      ? {
          endpoint: local,
          // DynamoDB Local accepts any credentials; fixed ones keep the local stack from reading ~/.aws.
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {}),
    maxAttempts: 3,
    ...sdkClientOptions(),
  });
  // The SDK's logger middleware copies every input and output through its sensitive-data filter before calling the
  // client's logger, even the default no-op one we use: for a Query that walks every item returned. With no SDK logger
  // configured it has no effect but that CPU (≈4% of node's CPU per intake, see docs/history.md "Performance" part 5).
  client.middlewareStack.remove('loggerMiddleware');
  return namingUnreachable(client);
}

export function makeDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
