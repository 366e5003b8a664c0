import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// The two halves packaged for real are tests/package/package-regions.test.ts; these are the decisions on their own.
type Pairing = {
  role: string;
  primaryRegion: string;
  secondaryRegion: string;
  active: boolean;
  globalClusterId: string;
  secondaryClusterId: string;
};
type Template = {
  Resources: Record<
    string,
    { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string }
  >;
  Outputs?: Record<string, unknown>;
};
const require = createRequire(import.meta.url);
const { regionPairing } = require('../../scripts/serverless/region-role.cjs') as {
  regionPairing: (o: {
    service: string;
    stage: string;
    region: string;
    primaryRegion: string;
    secondaryRegion: string;
    activeRegion: string;
  }) => Pairing;
};
const { pairTemplate } = require('../../scripts/serverless/region-pairing.cjs') as {
  pairTemplate: (t: Template, s: Record<string, unknown>) => Template;
};

const stage = {
  service: 'tyrehero-dispatch',
  stage: 'prod',
  primaryRegion: 'eu-west-2',
  secondaryRegion: 'eu-west-1',
  activeRegion: '',
};

describe('which part a region plays (scripts/serverless/region-role.cjs)', () => {
  it('is a single stack wherever the stage has no second region', () => {
    for (const region of ['eu-west-2', 'eu-west-1'])
      expect(regionPairing({ ...stage, secondaryRegion: '', region })).toMatchObject({
        role: 'single',
        secondaryRegion: '',
        active: true,
        globalClusterId: '',
      });
  });

  it('is the primary or the secondary of a pair, with the global and secondary cluster ids both regions share', () => {
    const shared = {
      primaryRegion: 'eu-west-2',
      secondaryRegion: 'eu-west-1',
      globalClusterId: 'tyrehero-dispatch-prod-global',
      secondaryClusterId: 'tyrehero-dispatch-prod-eu-west-1',
    };
    expect(regionPairing({ ...stage, region: 'eu-west-2' })).toEqual({ role: 'primary', active: true, ...shared });
    expect(regionPairing({ ...stage, region: 'eu-west-1' })).toEqual({ role: 'secondary', active: false, ...shared });
  });

  it('moves the scheduled writers with drActiveRegion after a failover, and refuses a region outside the pair', () => {
    expect(regionPairing({ ...stage, region: 'eu-west-1', activeRegion: 'eu-west-1' }).active).toBe(true);
    expect(regionPairing({ ...stage, region: 'eu-west-2', activeRegion: 'eu-west-1' }).active).toBe(false);
    expect(() => regionPairing({ ...stage, region: 'us-east-1' })).toThrow(/neither/);
    expect(() => regionPairing({ ...stage, region: 'eu-west-2', activeRegion: 'us-east-1' })).toThrow(/drActiveRegion/);
    expect(() => regionPairing({ ...stage, region: 'eu-west-2', secondaryRegion: 'eu-west-2' })).toThrow(/differ/);
  });
});

describe('the primary before its secondary exists (region-pairing.cjs, drSecondaryDeployed=false)', () => {
  const template = (): Template => ({
    Resources: {
      ...Object.fromEntries(
        [
          'TechnicianLocationsTable',
          'IdempotencyTable',
          'ScalingStateTable',
          'IntakeBufferTable',
          'RateLimitsTable',
        ].map((id) => [
          id,
          {
            Type: 'AWS::DynamoDB::Table',
            DeletionPolicy: 'Retain',
            UpdateReplacePolicy: 'Retain',
            Properties: {
              TableName: id,
              DeletionProtectionEnabled: true,
              PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
              SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { Ref: 'StackKey' } },
            },
          },
        ]),
      ),
      DatabaseSecret: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
      AppDatabaseSecret: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
      PhoneDataKey: { Type: 'AWS::KMS::Key', Properties: {} },
      PhoneHashKey: { Type: 'AWS::KMS::Key', Properties: {} },
      ...backup(),
    },
  });
  const settings = (secondaryDeployed: boolean) => ({
    service: 'tyrehero-dispatch',
    stage: 'prod',
    region: 'eu-west-2',
    pairing: regionPairing({ ...stage, region: 'eu-west-2' }),
    pairingParameters: {},
    secondaryDeployed,
    deletionProtection: true,
    apiDomainName: '',
    apiHostedZoneId: '',
  });

  it('makes global tables with only its own replica, and replicates no secret, until the secondary’s key exists', () => {
    const first = pairTemplate(template(), settings(false));
    for (const table of Object.values(first.Resources).filter((r) => r.Type === 'AWS::DynamoDB::GlobalTable')) {
      expect((table.Properties.Replicas as Array<{ Region: string }>).map((r) => r.Region)).toEqual(['eu-west-2']);
    }
    expect(first.Resources.AppDatabaseSecret!.Properties.ReplicaRegions).toBeUndefined();
    expect(backupRules(first)[0]!.CopyActions).toBeUndefined();
    // The same logical ids, so the next deploy only adds the eu-west-1 replicas.
    const next = pairTemplate(template(), settings(true));
    expect(Object.keys(next.Resources).sort()).toEqual(Object.keys(first.Resources).sort());
    expect(
      (next.Resources.IntakeBufferTable!.Properties.Replicas as Array<{ Region: string }>).map((r) => r.Region),
    ).toEqual(['eu-west-2', 'eu-west-1']);
    // Then every daily recovery point is copied to the secondary's vault (the same name there), kept as long.
    expect(backupRules(next)).toEqual([
      {
        RuleName: 'daily',
        TargetBackupVault: { Ref: 'BackupVault' },
        Lifecycle: { DeleteAfterDays: 35 },
        CopyActions: [
          {
            DestinationBackupVaultArn: {
              'Fn::Sub': 'arn:${AWS::Partition}:backup:eu-west-1:${AWS::AccountId}:backup-vault:tyrehero-dispatch-prod',
            },
            Lifecycle: { DeleteAfterDays: 35 },
          },
        ],
      },
    ]);
  });
});

describe('backups in a pair (region-pairing.cjs)', () => {
  it('leaves the secondary only its vault: the primary backs up the global cluster and tables and copies them there', () => {
    const t = pairTemplate(
      { Resources: { ...secondaryOnlyResources(), ...phoneKeys() } },
      {
        service: 'tyrehero-dispatch',
        stage: 'prod',
        region: 'eu-west-1',
        pairing: regionPairing({ ...stage, region: 'eu-west-1' }),
        pairingParameters: { phoneDataKeyArn: 'ssm:data', phoneHashKeyArn: 'ssm:hash' },
        secondaryDeployed: true,
        deletionProtection: true,
        apiDomainName: '',
        apiHostedZoneId: '',
      },
    );
    expect(Object.keys(t.Resources).filter((id) => id.startsWith('Backup'))).toEqual(['BackupVault']);
  });
});

describe('the phone keys of a pair (region-pairing.cjs)', () => {
  const policy = {
    Version: '2012-10-17',
    Statement: [{ Sid: 'AccountAdministersThroughIam', Effect: 'Allow', Action: 'kms:*', Resource: '*' }],
  };
  const key = (spec: string) => ({
    Type: 'AWS::KMS::Key',
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
    Properties: { Description: spec, KeySpec: spec, PendingWindowInDays: 30, KeyPolicy: policy },
  });
  const template = (): Template => ({
    Resources: {
      PhoneDataKey: key('SYMMETRIC_DEFAULT'),
      PhoneHashKey: key('HMAC_256'),
      PhoneDataKeyAlias: { Type: 'AWS::KMS::Alias', Properties: { TargetKeyId: { Ref: 'PhoneDataKey' } } },
      Fn: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Environment: {
            Variables: {
              PHONE_DATA_KEY_ID: { 'Fn::GetAtt': ['PhoneDataKey', 'Arn'] },
              PHONE_HASH_KEY_ID: { 'Fn::GetAtt': 'PhoneHashKey.Arn' },
              OTHER: { 'Fn::Sub': '${PhoneHashKey.Arn}/${PhoneHashKeyAlias}/${!PhoneDataKey}' },
            },
          },
        },
      },
    },
  });
  const secondary = (parameters: Record<string, string>) =>
    pairTemplate(
      { ...template(), Resources: { ...template().Resources, ...secondaryOnlyResources() } },
      {
        service: 'tyrehero-dispatch',
        stage: 'prod',
        region: 'eu-west-1',
        pairing: regionPairing({ ...stage, region: 'eu-west-1' }),
        pairingParameters: parameters,
        secondaryDeployed: true,
        deletionProtection: true,
        apiDomainName: '',
        apiHostedZoneId: '',
      },
    );

  it('makes the primary’s keys multi-Region and outputs their ARNs for SSM', () => {
    const primary = pairTemplate(
      { ...template(), Resources: { ...template().Resources, ...tablesAndSecrets() } },
      {
        service: 'tyrehero-dispatch',
        stage: 'prod',
        region: 'eu-west-2',
        pairing: regionPairing({ ...stage, region: 'eu-west-2' }),
        pairingParameters: {},
        secondaryDeployed: true,
        deletionProtection: true,
        apiDomainName: '',
        apiHostedZoneId: '',
      },
    );
    expect(primary.Resources.PhoneDataKey!.Properties).toMatchObject({
      MultiRegion: true,
      KeySpec: 'SYMMETRIC_DEFAULT',
    });
    expect(primary.Resources.PhoneHashKey!.Properties).toMatchObject({ MultiRegion: true, KeySpec: 'HMAC_256' });
    expect(primary.Outputs).toMatchObject({
      PhoneDataKeyArn: { Value: { 'Fn::GetAtt': ['PhoneDataKey', 'Arn'] } },
      PhoneHashKeyArn: { Value: { 'Fn::GetAtt': ['PhoneHashKey', 'Arn'] } },
    });
  });

  it('replaces them in the secondary by replicas with the same policy, and points every reference at the replicas', () => {
    const t = secondary({ phoneDataKeyArn: 'ssm:data', phoneHashKeyArn: 'ssm:hash' });
    expect(t.Resources.PhoneDataKey).toBeUndefined();
    expect(t.Resources.PhoneHashKey).toBeUndefined();
    expect(t.Resources.PhoneDataReplicaKey).toEqual({
      Type: 'AWS::KMS::ReplicaKey',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        PrimaryKeyArn: 'ssm:data',
        Description: 'SYMMETRIC_DEFAULT',
        PendingWindowInDays: 30,
        KeyPolicy: policy,
      },
    });
    expect(t.Resources.PhoneHashReplicaKey!.Properties.PrimaryKeyArn).toBe('ssm:hash');
    expect(t.Resources.PhoneDataKeyAlias!.Properties.TargetKeyId).toEqual({ Ref: 'PhoneDataReplicaKey' });
    expect((t.Resources.Fn!.Properties.Environment as { Variables: unknown }).Variables).toEqual({
      PHONE_DATA_KEY_ID: { 'Fn::GetAtt': ['PhoneDataReplicaKey', 'Arn'] },
      PHONE_HASH_KEY_ID: { 'Fn::GetAtt': 'PhoneHashReplicaKey.Arn' },
      // Only whole resource names are renamed; ${!…} is a literal.
      OTHER: { 'Fn::Sub': '${PhoneHashReplicaKey.Arn}/${PhoneHashKeyAlias}/${!PhoneDataKey}' },
    });
  });

  it('refuses to package a secondary without the primary key ARNs', () => {
    expect(() => secondary({})).toThrow(/phoneDataKeyArn/);
  });
});

function tablesAndSecrets(): Template['Resources'] {
  return {
    ...Object.fromEntries(
      ['TechnicianLocationsTable', 'IdempotencyTable', 'ScalingStateTable', 'IntakeBufferTable', 'RateLimitsTable'].map(
        (id) => [
          id,
          {
            Type: 'AWS::DynamoDB::Table',
            Properties: { TableName: id, SSESpecification: { SSEEnabled: true, SSEType: 'KMS' } },
          },
        ],
      ),
    ),
    DatabaseSecret: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
    AppDatabaseSecret: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
    ...backup(),
  };
}

function secondaryOnlyResources(): Template['Resources'] {
  const removed = [
    'DatabaseSecretRotation',
    'AppDatabaseSecretRotation',
    'DatabaseSecretAttachment',
    'AppDatabaseSecretAttachment',
    'StaffUserPool',
    'StaffAppClient',
    'StaffUserPoolDomain',
    'OpsPageClient',
    'TechniciansGroup',
    'OperationsGroup',
    'StaffJwks',
    'OwnerRotationLogRetention',
    'AppRotationLogRetention',
  ];
  return {
    ...tablesAndSecrets(),
    ...Object.fromEntries(removed.map((id) => [id, { Type: 'AWS::Placeholder', Properties: {} }])),
    DatabaseCluster: {
      Type: 'AWS::RDS::DBCluster',
      Properties: { StorageEncrypted: true, KmsKeyId: { Ref: 'StackKey' } },
    },
  };
}

function backup(): Template['Resources'] {
  return {
    BackupVault: { Type: 'AWS::Backup::BackupVault', Properties: { BackupVaultName: 'tyrehero-dispatch-prod' } },
    BackupPlan: {
      Type: 'AWS::Backup::BackupPlan',
      Properties: {
        BackupPlan: {
          BackupPlanRule: [
            { RuleName: 'daily', TargetBackupVault: { Ref: 'BackupVault' }, Lifecycle: { DeleteAfterDays: 35 } },
          ],
        },
      },
    },
    BackupSelection: { Type: 'AWS::Backup::BackupSelection', Properties: {} },
    BackupRole: { Type: 'AWS::IAM::Role', Properties: {} },
  };
}

function phoneKeys(): Template['Resources'] {
  return Object.fromEntries(
    ['PhoneDataKey', 'PhoneHashKey'].map((id) => [id, { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: {} } }]),
  );
}

function backupRules(t: Template) {
  return (t.Resources.BackupPlan!.Properties.BackupPlan as { BackupPlanRule: Array<Record<string, unknown>> })
    .BackupPlanRule;
}
