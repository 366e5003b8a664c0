// Reads the DynamoDB tables from resources/dynamodb.yml so local engines and tests create exactly what CloudFormation deploys.
import { readFileSync } from 'node:fs';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import yaml from 'js-yaml';
import type { Config } from '../config.js';

/** CloudFormation logical id → the config key holding that table's name. */
export const tableLogicalIds = {
  TechnicianLocationsTable: 'locations',
  IdempotencyTable: 'idempotency',
  ScalingStateTable: 'scalingState',
  IntakeBufferTable: 'intakeBuffer',
  RateLimitsTable: 'rateLimits',
} as const satisfies Record<string, keyof Config['tables']>;

interface CfnTable {
  Type: string;
  Properties: Pick<
    CreateTableCommandInput,
    'KeySchema' | 'AttributeDefinitions' | 'GlobalSecondaryIndexes' | 'BillingMode'
  > &
    Record<string, unknown>;
}

// CloudFormation short-form tags (!Ref, !Sub, ...) may appear elsewhere in the file; keep them as plain data.
export const cfnSchema = yaml.DEFAULT_SCHEMA.extend(
  [
    'Ref',
    'Sub',
    'GetAtt',
    'If',
    'Equals',
    'Not',
    'And',
    'Or',
    'Join',
    'Select',
    'Split',
    'FindInMap',
    'ImportValue',
    'GetAZs',
    'Condition',
    'Base64',
    'Cidr',
  ].flatMap((tag) =>
    (['scalar', 'sequence', 'mapping'] as const).map(
      (kind) => new yaml.Type(`!${tag}`, { kind, construct: (data: unknown) => ({ [`Fn::${tag}`]: data }) }),
    ),
  ),
);

export function loadTableDefinitions(resourceFile: string, tables: Config['tables']): CreateTableCommandInput[] {
  const doc = yaml.load(readFileSync(resourceFile, 'utf8'), { schema: cfnSchema }) as {
    Resources?: Record<string, CfnTable>;
  };
  const resources = doc.Resources ?? {};
  return Object.entries(tableLogicalIds).map(([logicalId, key]) => {
    const resource = resources[logicalId];
    if (!resource || resource.Type !== 'AWS::DynamoDB::Table')
      throw new Error(`${resourceFile} has no AWS::DynamoDB::Table ${logicalId}`);
    const { KeySchema, AttributeDefinitions, GlobalSecondaryIndexes } = resource.Properties;
    return {
      TableName: tables[key],
      KeySchema,
      AttributeDefinitions,
      ...(GlobalSecondaryIndexes ? { GlobalSecondaryIndexes } : {}),
      BillingMode: 'PAY_PER_REQUEST',
    };
  });
}
