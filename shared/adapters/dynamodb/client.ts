// DynamoDB clients for the stage: the real service in AWS, or DynamoDB Local when DYNAMODB_ENDPOINT is set.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '../../config.js';

export function makeDynamoClient(config: Pick<Config, 'region' | 'dynamodb'>): DynamoDBClient {
  const local = config.dynamodb.endpoint;
  return new DynamoDBClient({
    region: config.region,
    ...(local
      ? {
          endpoint: local,
          // DynamoDB Local accepts any credentials; fixed ones keep the local stack from reading ~/.aws.
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {}),
    maxAttempts: 3,
  });
}

export function makeDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
