import { beforeAll, describe, expect, it } from 'vitest';
import type { Resource, Template } from '../support/package.js';
import {
  replacementPropertiesFromCfnLint,
  selected,
  statefulReplacements,
  unaccounted,
  type ReplacementProperties,
} from '../support/stateful-replacement.js';

let schemas: Record<string, ReplacementProperties>;
beforeAll(() => {
  schemas = replacementPropertiesFromCfnLint('eu-west-2');
});

const template = (resources: Record<string, Resource>): Template => ({ Resources: resources });
const cluster = (properties: Record<string, unknown> = {}): Resource => ({
  Type: 'AWS::RDS::DBCluster',
  Properties: { Engine: 'aurora-postgresql', DatabaseName: 'tyrehero', StorageEncrypted: true, ...properties },
});
const writer: Resource = {
  Type: 'AWS::RDS::DBInstance',
  Properties: {
    DBClusterIdentifier: { Ref: 'DatabaseCluster' },
    DBInstanceClass: 'db.serverless',
    Engine: 'aurora-postgresql',
  },
};
const table = (properties: Record<string, unknown> = {}): Resource => ({
  Type: 'AWS::DynamoDB::Table',
  Properties: {
    TableName: 'tyrehero-dispatch-prod-locations',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    ...properties,
  },
});
const globalTable = (replicas: string[]): Resource => ({
  Type: 'AWS::DynamoDB::GlobalTable',
  Properties: {
    TableName: 'tyrehero-dispatch-prod-idempotency',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    Replicas: replicas.map((Region) => ({ Region })),
  },
});

describe('statefulReplacements', () => {
  it('reports an Aurora cluster gaining KmsKeyId, and its instances, which name the cluster in a create-only property', () => {
    const found = statefulReplacements(
      template({ DatabaseCluster: cluster(), DatabaseWriter: writer }),
      template({ DatabaseCluster: cluster({ KmsKeyId: { Ref: 'StackKey' } }), DatabaseWriter: writer }),
      schemas,
    );
    expect(found).toEqual([
      {
        resource: 'DatabaseCluster',
        type: 'AWS::RDS::DBCluster',
        property: '/properties/KmsKeyId',
        before: undefined,
        after: { Ref: 'StackKey' },
        certainty: 'replaced',
      },
      {
        resource: 'DatabaseWriter',
        type: 'AWS::RDS::DBInstance',
        property: '/properties/DBClusterIdentifier',
        before: { Ref: 'DatabaseCluster' },
        after: { Ref: 'DatabaseCluster' },
        certainty: 'replaced',
        because: 'DatabaseCluster',
      },
    ]);
  });

  it('reports a property that was present and is now gone', () => {
    const found = statefulReplacements(
      template({ DatabaseCluster: cluster({ KmsKeyId: 'alias/old' }) }),
      template({ DatabaseCluster: cluster() }),
      schemas,
    );
    expect(found.map((r) => [r.property, r.before, r.after])).toEqual([
      ['/properties/KmsKeyId', 'alias/old', undefined],
    ]);
  });

  it('does not report a table changing BillingMode, which CloudFormation updates in place', () => {
    expect(schemas['AWS::DynamoDB::Table']!.createOnly).not.toContain('/properties/BillingMode');
    expect(
      statefulReplacements(
        template({ Locations: table() }),
        template({ Locations: table({ BillingMode: 'PROVISIONED' }) }),
        schemas,
      ),
    ).toEqual([]);
  });

  it('reports a table changing TableName', () => {
    const found = statefulReplacements(
      template({ Locations: table() }),
      template({ Locations: table({ TableName: 'tyrehero-dispatch-prod-positions' }) }),
      schemas,
    );
    expect(found).toEqual([
      {
        resource: 'Locations',
        type: 'AWS::DynamoDB::Table',
        property: '/properties/TableName',
        before: 'tyrehero-dispatch-prod-locations',
        after: 'tyrehero-dispatch-prod-positions',
        certainty: 'replaced',
      },
    ]);
  });

  it('reports a table changing KeySchema as a possible replacement (the schema lists it as conditionally create-only)', () => {
    const found = statefulReplacements(
      template({ Locations: table() }),
      template({ Locations: table({ KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] }) }),
      schemas,
    );
    expect(found.map((r) => [r.property, r.certainty])).toEqual([['/properties/KeySchema', 'conditional']]);
  });

  it('does not report a global table gaining a replica: the schema makes only TableName create-only, replicas update in place', () => {
    expect(schemas['AWS::DynamoDB::GlobalTable']!.createOnly).toEqual(['/properties/TableName']);
    expect(
      statefulReplacements(
        template({ Idempotency: globalTable(['eu-west-2']) }),
        template({ Idempotency: globalTable(['eu-west-2', 'eu-west-1']) }),
        schemas,
      ),
    ).toEqual([]);
  });

  it('counts a change of intrinsic as a change, even when it may resolve to the same key', () => {
    const found = statefulReplacements(
      template({ DatabaseCluster: cluster({ KmsKeyId: { Ref: 'StackKey' } }) }),
      template({ DatabaseCluster: cluster({ KmsKeyId: { 'Fn::GetAtt': ['StackKey', 'Arn'] } }) }),
      schemas,
    );
    expect(found.map((r) => [r.before, r.after])).toEqual([
      [{ Ref: 'StackKey' }, { 'Fn::GetAtt': ['StackKey', 'Arn'] }],
    ]);
  });

  it('treats spellings CloudFormation reads alike as equal: true and "true", GetAtt as a string or a list, Ref AWS::NoValue and absent', () => {
    const before = template({
      DatabaseCluster: cluster({
        StorageEncrypted: true,
        KmsKeyId: { 'Fn::GetAtt': 'StackKey.Arn' },
        SnapshotIdentifier: { Ref: 'AWS::NoValue' },
      }),
    });
    const after = template({
      DatabaseCluster: cluster({ StorageEncrypted: 'true', KmsKeyId: { 'Fn::GetAtt': ['StackKey', 'Arn'] } }),
    });
    expect(statefulReplacements(before, after, schemas)).toEqual([]);
  });

  it('reports a stateful resource whose logical id disappears, or whose type changes', () => {
    const found = statefulReplacements(
      template({ Locations: table(), Alerts: { Type: 'AWS::SNS::Topic', Properties: {} } }),
      template({ Locations: { ...globalTable(['eu-west-2']), Properties: table().Properties } }),
      schemas,
    );
    expect(found.map((r) => [r.resource, r.property, r.before, r.after])).toEqual([
      ['Locations', 'Type', 'AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable'],
      ['Alerts', '(removed)', 'Alerts', undefined],
    ]);
  });

  it('ignores resources that keep no state', () => {
    const fn = (memory: number): Resource => ({
      Type: 'AWS::Lambda::Function',
      Properties: { FunctionName: `f-${memory}`, MemorySize: memory },
    });
    expect(statefulReplacements(template({ F: fn(128) }), template({}), schemas)).toEqual([]);
    expect(statefulReplacements(template({ F: fn(128) }), template({ F: fn(256) }), schemas)).toEqual([]);
  });
});

describe('selected', () => {
  it('follows a nested pointer through every array item, by concrete path', () => {
    const properties = { Replicas: [{ Region: 'eu-west-2', Sse: { KmsKey: 'a' } }, { Region: 'eu-west-1' }] };
    expect([...selected(properties, '/properties/Replicas/*/Sse/KmsKey')]).toEqual([
      ['/properties/Replicas/0/Sse/KmsKey', 'a'],
    ]);
    expect([...selected(properties, '/properties/Replicas/*/Region')].map(([at]) => at)).toEqual([
      '/properties/Replicas/0/Region',
      '/properties/Replicas/1/Region',
    ]);
  });
});

describe('unaccounted', () => {
  const kmsKey = () =>
    statefulReplacements(
      template({ DatabaseCluster: cluster(), DatabaseWriter: writer }),
      template({ DatabaseCluster: cluster({ KmsKeyId: { Ref: 'StackKey' } }), DatabaseWriter: writer }),
      schemas,
    );
  const note = {
    resource: 'DatabaseCluster',
    property: '/properties/KmsKeyId',
    readmeHeading: 'Moving Aurora to the stack key',
  };
  const readme = '# TyreHero\n\n## Deploying\n\n#### Moving Aurora to the stack key\n\nSnapshot first.\n';

  it('lists every replacement, with resource, property, before and after, when none is intended', () => {
    expect(unaccounted(kmsKey(), [], readme)).toEqual([
      'DatabaseCluster (AWS::RDS::DBCluster) replaced: /properties/KmsKeyId (absent) -> {"Ref":"StackKey"}',
      'DatabaseWriter (AWS::RDS::DBInstance) replaced because DatabaseCluster is replaced: /properties/DBClusterIdentifier {"Ref":"DatabaseCluster"} -> {"Ref":"DatabaseCluster"}',
    ]);
  });

  it('accepts an intended replacement with its README heading, and what it replaces in turn', () => {
    expect(unaccounted(kmsKey(), [note], readme)).toEqual([]);
  });

  it('refuses an intended replacement whose README heading is missing', () => {
    expect(
      unaccounted(kmsKey(), [note], '# TyreHero\n\nMoving Aurora to the stack key is mentioned in prose only.\n'),
    ).toEqual([
      'intended replacement DatabaseCluster /properties/KmsKeyId: README.md has no heading "Moving Aurora to the stack key"',
      'DatabaseCluster (AWS::RDS::DBCluster) replaced: /properties/KmsKeyId (absent) -> {"Ref":"StackKey"}',
      'DatabaseWriter (AWS::RDS::DBInstance) replaced because DatabaseCluster is replaced: /properties/DBClusterIdentifier {"Ref":"DatabaseCluster"} -> {"Ref":"DatabaseCluster"}',
    ]);
  });

  it('accepts a conditionally create-only change declared in place, with its reason, but not a create-only one', () => {
    const keySchema = statefulReplacements(
      template({ Locations: table() }),
      template({ Locations: table({ KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] }) }),
      schemas,
    );
    expect(unaccounted(keySchema, [], readme)).toEqual([
      'Locations (AWS::DynamoDB::Table) may be replaced: /properties/KeySchema [{"AttributeName":"pk","KeyType":"HASH"}] -> [{"AttributeName":"id","KeyType":"HASH"}]',
    ]);
    expect(
      unaccounted(
        keySchema,
        [{ resource: 'Locations', property: '/properties/KeySchema', inPlaceBecause: 'a test of the rule' }],
        readme,
      ),
    ).toEqual([]);
    const inPlaceKey = { resource: 'DatabaseCluster', property: '/properties/KmsKeyId', inPlaceBecause: 'hoped so' };
    expect(unaccounted(kmsKey(), [inPlaceKey], readme)).toEqual([
      'intended replacement DatabaseCluster /properties/KmsKeyId: the schema makes it create-only, so it is always replaced; give a readmeHeading instead of inPlaceBecause',
      'DatabaseCluster (AWS::RDS::DBCluster) replaced: /properties/KmsKeyId (absent) -> {"Ref":"StackKey"}',
      'DatabaseWriter (AWS::RDS::DBInstance) replaced because DatabaseCluster is replaced: /properties/DBClusterIdentifier {"Ref":"DatabaseCluster"} -> {"Ref":"DatabaseCluster"}',
    ]);
  });

  it('refuses an intended replacement that matches nothing, so the list is emptied when the fixtures move on', () => {
    expect(unaccounted([], [note], readme)).toEqual([
      'intended replacement DatabaseCluster /properties/KmsKeyId matches nothing the deploy would replace: remove it',
    ]);
  });
});
