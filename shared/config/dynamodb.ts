// DynamoDB endpoint override, for DynamoDB Local.
import { concern, field, optionalText } from './concern.js';

export const dynamodbConcern = concern(
  'dynamodb',
  { DYNAMODB_ENDPOINT: field(optionalText, 'DynamoDB endpoint override (DynamoDB Local); unset in AWS.') },
  (o) => o.transform((c) => ({ endpoint: c.DYNAMODB_ENDPOINT })),
);
