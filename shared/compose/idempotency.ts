// Idempotency-Key replay for a route that must answer a retry with its first response: Powertools' middleware over
// its DynamoDB persistence layer.
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Config } from '../config.js';
import type { Idempotency } from '../http/route.js';

export function idempotency(config: Pick<Config, 'tables' | 'intake'>, client: DynamoDBClient): Idempotency {
  return makeHandlerIdempotent({
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: config.tables.idempotency, awsSdkV3Client: client }),
    config: new IdempotencyConfig({
      eventKeyJmesPath: 'headers."idempotency-key"',
      payloadValidationJmesPath: 'body',
      throwOnNoIdempotencyKey: false,
      expiresAfterSeconds: config.intake.idempotencyTtlSeconds,
    }),
  });
}
