// DynamoDB for a function that touches a table: the low-level client (for the SDK's own helpers) and a document client.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CoreConfig } from '#shared/config/core.js';
import { makeDocumentClient, makeDynamoClient } from '#shared/adapters/dynamodb/client.js';

export interface Dynamo {
  client: DynamoDBClient;
  documents: DynamoDBDocumentClient;
}

export function dynamo(config: Pick<CoreConfig, 'region' | 'dynamodb'>): Dynamo {
  const client = makeDynamoClient(config);
  return { client, documents: makeDocumentClient(client) };
}
