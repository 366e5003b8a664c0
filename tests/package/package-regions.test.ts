import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yaml from 'js-yaml';
import { projectRoot } from '../../scripts/local/engines.js';
import { ACCOUNT, Evaluator, findKey, keyAllows, type Account } from '../support/account-model.js';
import { brokenReferences, discard, packageService, type Packaged, type Resource } from '../support/package.js';

// Prod is a region pair (docs/operations.md, "Disaster recovery"): eu-west-2 is the primary, eu-west-1 the secondary. Both halves
// are packaged once, one after the other (tests/support/package.ts), and read as CloudFormation will read them.
const primaryRegion = 'eu-west-2';
const secondaryRegion = 'eu-west-1';
let primary: Packaged;
let secondary: Packaged;

beforeAll(async () => {
  primary = await packageService('prod', primaryRegion);
  secondary = await packageService('prod', secondaryRegion);
}, 1_200_000);

afterAll(() => {
  for (const p of [primary, secondary]) discard(p);
});

const byType = (p: Packaged, type: string) => Object.entries(p.template.Resources).filter(([, r]) => r.Type === type);
const only = (p: Packaged, type: string): Resource => {
  const found = byType(p, type);
  expect(
    found.map(([id]) => id),
    type,
  ).toHaveLength(1);
  return found[0]![1];
};
// The primary's values copied to SSM in the secondary region, each one template parameter (scripts/serverless/ssm-parameters.cjs).
const ssmParameter = (name: string) =>
  `SsmPairing${name
    .split('-')
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('')}`;
const ssm = (name: string) => ({ Ref: ssmParameter(name) });
const tableNames = ['locations', 'idempotency', 'scaling-state', 'intake-buffer', 'rate-limits'].map(
  (t) => `tyrehero-dispatch-prod-${t}`,
);

describe('npx sls package --stage prod in both regions', () => {
  it('packages both halves with every Ref, GetAtt and Fn::Sub name pointing at something', () => {
    expect(brokenReferences(primary.template)).toEqual([]);
    expect(brokenReferences(secondary.template)).toEqual([]);
  });

  it('migrates in the primary only: the secondary’s cluster is a read-only member of the global database', () => {
    expect(primary.template.Resources.SchemaMigration?.Type).toBe('Custom::SchemaMigration');
    expect(secondary.template.Resources.SchemaMigration).toBeUndefined();
    expect(secondary.template.Resources.SchemaMigrationFunction).toBeUndefined();
  });

  it('stays within CloudFormation’s 500 resources a template, with room for what comes next, and cfn-lint finds no error', () => {
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html: a hard limit, met at
    // deploy time only ("Number of resources, 560, is greater than maximum allowed, 500", as the canary release had).
    for (const p of [primary, secondary]) {
      expect(Object.keys(p.template.Resources).length, p.file).toBeLessThanOrEqual(480);
      const lint = spawnSync('cfn-lint', ['--format', 'parseable', p.file], { encoding: 'utf8' });
      expect(lint.error).toBeUndefined();
      expect(lint.stdout.split('\n').filter((l) => /:E\d+:/.test(l))).toEqual([]);
    }
    // cfn-lint reads the whole resource schema set: about 10 s a template on a quiet machine, minutes on a loaded one.
  }, 600_000);

  it('stays within CloudFormation’s 60 dynamic references per template, each SSM value resolved once as a parameter', () => {
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html (the secondary had 190).
    for (const p of [primary, secondary])
      expect((JSON.stringify(p.template).match(/\{\{resolve:/g) ?? []).length).toBeLessThanOrEqual(60);
    // Only the replica keys' create-only PrimaryKeyArn keeps its reference, written as the previous release wrote it.
    expect(JSON.stringify(secondary.template).match(/\{\{resolve:ssm:[^}]+\}\}/g)).toEqual([
      '{{resolve:ssm:/tyrehero-dispatch/prod/pairing/phone-data-key-arn}}',
      '{{resolve:ssm:/tyrehero-dispatch/prod/pairing/phone-hash-key-arn}}',
    ]);
    expect(Object.keys(secondary.template.Parameters ?? {})).toEqual(
      expect.arrayContaining([ssmParameter('staff-jwks'), ssmParameter('database-app-secret-arn')]),
    );
  });

  it('keeps the standby quiet: alarms on the figures collectMetrics publishes read missing data as breaching only where it runs', () => {
    const breaching = (p: Packaged) =>
      byType(p, 'AWS::CloudWatch::Alarm')
        .filter(([, a]) => a.Properties.TreatMissingData === 'breaching')
        .map(([id]) => id)
        .sort();
    expect(breaching(primary)).toEqual([
      'CoverageLowAlarm',
      'EmergencyRequestBacklogAlarm',
      'LowTechnicianAvailabilityAlarm',
      'OldestPendingMinutesAlarm',
    ]);
    expect(breaching(secondary)).toEqual([]);
  });

  describe('Aurora Global Database', () => {
    it('creates the global cluster in the primary only, from the primary’s own cluster', () => {
      const global = only(primary, 'AWS::RDS::GlobalCluster');
      expect(global.Properties).toEqual({
        GlobalClusterIdentifier: 'tyrehero-dispatch-prod-global',
        SourceDBClusterIdentifier: {
          'Fn::Sub': 'arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:cluster:${DatabaseCluster}',
        },
        DeletionProtection: true,
      });
      expect(global.DeletionPolicy).toBe('Retain');
      expect(byType(secondary, 'AWS::RDS::GlobalCluster')).toEqual([]);
      // The primary's cluster keeps its master user (from its secret) and rotation; it joins nothing.
      const cluster = primary.template.Resources.DatabaseCluster!.Properties;
      expect(cluster.GlobalClusterIdentifier).toBeUndefined();
      expect(cluster.MasterUsername).toEqual({
        'Fn::Sub': '{{resolve:secretsmanager:${DatabaseSecret}:SecretString:username}}',
      });
    });

    it('joins the secondary cluster to that same global cluster, named after its region, with no credentials of its own', () => {
      const cluster = only(secondary, 'AWS::RDS::DBCluster');
      expect(cluster.Properties).toMatchObject({
        GlobalClusterIdentifier: primary.template.Resources.DatabaseGlobalCluster!.Properties.GlobalClusterIdentifier,
        DBClusterIdentifier: 'tyrehero-dispatch-prod-eu-west-1',
        Engine: 'aurora-postgresql',
        EngineVersion: primary.template.Resources.DatabaseCluster!.Properties.EngineVersion,
        // Encrypted with the key of its own region (a KMS key never leaves its region).
        StorageEncrypted: true,
        KmsKeyId: { Ref: 'StackKey' },
        DeletionProtection: true,
      });
      for (const property of ['MasterUsername', 'MasterUserPassword', 'ManageMasterUserPassword', 'DatabaseName'])
        expect(cluster.Properties[property], property).toBeUndefined();
      expect(byType(secondary, 'AWS::SecretsManager::RotationSchedule')).toEqual([]);
      expect(byType(secondary, 'AWS::SecretsManager::SecretTargetAttachment')).toEqual([]);
      expect(only(secondary, 'AWS::RDS::DBProxy').Properties.DBProxyName).toBe('tyrehero-dispatch-prod');
      // Its own instances (promotable in minutes, not created during a disaster) behind its own RDS Proxy.
      expect(byType(secondary, 'AWS::RDS::DBInstance').map(([, i]) => i.Properties.DBClusterIdentifier)).toEqual([
        { Ref: 'DatabaseCluster' },
        { Ref: 'DatabaseCluster' },
      ]);
    });

    it('tells the DR functions of both regions the same global cluster, secondary region and secondary cluster', () => {
      for (const p of [primary, secondary]) {
        expect(p.template.Resources.DrCheckLambdaFunction!.Properties.Environment.Variables).toMatchObject({
          DR_GLOBAL_CLUSTER_ID: 'tyrehero-dispatch-prod-global',
          DR_SECONDARY_REGION: secondaryRegion,
          DR_SECONDARY_CLUSTER_ID: 'tyrehero-dispatch-prod-eu-west-1',
          DR_CLUSTER_ID: { Ref: 'DatabaseCluster' },
        });
      }
    });
  });

  describe('secrets', () => {
    it('replicates both database secrets from the primary, and reads the replicas by ARN in the secondary (proxy, functions)', () => {
      for (const [, secret] of byType(primary, 'AWS::SecretsManager::Secret')) {
        expect(secret.Properties.ReplicaRegions).toEqual([
          {
            Region: secondaryRegion,
            KmsKeyId: {
              'Fn::Sub': 'arn:${AWS::Partition}:kms:eu-west-1:${AWS::AccountId}:alias/tyrehero-dispatch-prod',
            },
          },
        ]);
      }
      expect(byType(secondary, 'AWS::SecretsManager::Secret')).toEqual([]);
      const proxy = only(secondary, 'AWS::RDS::DBProxy');
      expect(proxy.Properties.Auth.map((a: { SecretArn: unknown }) => a.SecretArn)).toEqual([
        ssm('database-secret-arn'),
        ssm('database-app-secret-arn'),
      ]);
      expect(
        secondary.template.Resources.CreateEmergencyLambdaFunction!.Properties.Environment.Variables.DB_SECRET_ARN,
      ).toEqual(ssm('database-app-secret-arn'));
      expect(primary.template.Outputs).toMatchObject({
        DatabaseSecretArn: { Value: { Ref: 'DatabaseSecret' } },
        AppDatabaseSecretArn: { Value: { Ref: 'AppDatabaseSecret' } },
      });
    });
  });

  describe('customer phone keys: one multi-Region key each, replicated to the secondary', () => {
    const phoneFunctions = (p: Packaged) =>
      Object.entries(p.template.Resources).filter(
        ([, r]) =>
          r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.PHONE_PROTECTION === 'kms',
      );

    it('makes the primary’s data and hash keys multi-Region primary keys, keeping their spec and usage', () => {
      const { PhoneDataKey: data, PhoneHashKey: hash } = primary.template.Resources;
      expect(data!.Type).toBe('AWS::KMS::Key');
      expect(data!.Properties).toMatchObject({
        MultiRegion: true,
        KeySpec: 'SYMMETRIC_DEFAULT',
        KeyUsage: 'ENCRYPT_DECRYPT',
        EnableKeyRotation: true,
      });
      expect(hash!.Type).toBe('AWS::KMS::Key');
      expect(hash!.Properties).toMatchObject({
        MultiRegion: true,
        KeySpec: 'HMAC_256',
        KeyUsage: 'GENERATE_VERIFY_MAC',
      });
      expect(primary.template.Outputs).toMatchObject({
        PhoneDataKeyArn: { Value: { 'Fn::GetAtt': ['PhoneDataKey', 'Arn'] } },
        PhoneHashKeyArn: { Value: { 'Fn::GetAtt': ['PhoneHashKey', 'Arn'] } },
      });
    });

    it('replicates both into the secondary from the ARNs in SSM there, with the primary keys’ policies and retention', () => {
      expect(byType(secondary, 'AWS::KMS::Key').map(([id]) => id)).toEqual(['StackKey']);
      const replicas = Object.fromEntries(byType(secondary, 'AWS::KMS::ReplicaKey'));
      expect(Object.keys(replicas).sort()).toEqual(['PhoneDataReplicaKey', 'PhoneHashReplicaKey']);
      for (const [replica, key, parameter] of [
        ['PhoneDataReplicaKey', 'PhoneDataKey', 'phone-data-key-arn'],
        ['PhoneHashReplicaKey', 'PhoneHashKey', 'phone-hash-key-arn'],
      ] as const) {
        const source = primary.template.Resources[key]!;
        expect(replicas[replica], replica).toEqual({
          Type: 'AWS::KMS::ReplicaKey',
          DeletionPolicy: 'Retain',
          UpdateReplacePolicy: 'Retain',
          Properties: {
            PrimaryKeyArn: `{{resolve:ssm:/tyrehero-dispatch/prod/pairing/${parameter}}}`,
            Description: source.Properties.Description,
            PendingWindowInDays: 30,
            KeyPolicy: source.Properties.KeyPolicy,
          },
        });
        // The same least-privilege policy: the account administers through IAM, grants only for AWS services.
        expect((source.Properties.KeyPolicy.Statement as Array<{ Sid: string }>).map((s) => s.Sid)).toEqual([
          'AccountAdministersThroughIam',
          'GrantsForAwsServicesOnly',
        ]);
      }
      // The aliases have the same names in both regions and name the replicas in the secondary.
      for (const [alias, target] of [
        ['PhoneDataKeyAlias', 'PhoneDataReplicaKey'],
        ['PhoneHashKeyAlias', 'PhoneHashReplicaKey'],
      ] as const) {
        expect(secondary.template.Resources[alias]!.Properties).toEqual({
          ...primary.template.Resources[alias]!.Properties,
          TargetKeyId: { Ref: target },
        });
      }
    });

    it('points every phone-handling function of the secondary, its environment and its IAM statements, at the replicas', () => {
      for (const [p, data, hash] of [
        [primary, 'PhoneDataKey', 'PhoneHashKey'],
        [secondary, 'PhoneDataReplicaKey', 'PhoneHashReplicaKey'],
      ] as const) {
        const functions = phoneFunctions(p);
        expect(functions.length).toBeGreaterThan(10);
        for (const [id, fn] of functions) {
          expect(fn.Properties.Environment.Variables, id).toMatchObject({
            PHONE_DATA_KEY_ID: { 'Fn::GetAtt': [data, 'Arn'] },
            PHONE_HASH_KEY_ID: { 'Fn::GetAtt': [hash, 'Arn'] },
          });
        }
        const statements = byType(p, 'AWS::IAM::Role').flatMap(([, role]) =>
          (
            (role.Properties.Policies ?? []) as Array<{
              PolicyDocument: { Statement: Array<{ Action: unknown; Resource: unknown }> };
            }>
          ).flatMap((policy) => policy.PolicyDocument.Statement),
        );
        const kms = statements.filter(
          (s) =>
            JSON.stringify(s.Action).includes('kms:GenerateDataKey') ||
            JSON.stringify(s.Action).includes('kms:GenerateMac'),
        );
        expect(kms.length).toBeGreaterThan(10);
        for (const statement of kms)
          expect([{ 'Fn::GetAtt': [data, 'Arn'] }, { 'Fn::GetAtt': [hash, 'Arn'] }]).toContainEqual(statement.Resource);
      }
      expect(JSON.stringify(secondary.template)).not.toMatch(
        /"PhoneDataKey"|"PhoneHashKey"|\$\{Phone(Data|Hash)Key[.}]/,
      );
    });
  });

  describe('DynamoDB global tables', () => {
    it('replicates all five tables from the primary to the secondary, each replica with PITR, deletion protection and its own region’s key', () => {
      const tables = byType(primary, 'AWS::DynamoDB::GlobalTable');
      expect(tables.map(([, t]) => t.Properties.TableName).sort()).toEqual([...tableNames].sort());
      expect(byType(primary, 'AWS::DynamoDB::Table')).toEqual([]);
      for (const [id, table] of tables) {
        expect({ id, deletion: table.DeletionPolicy, replace: table.UpdateReplacePolicy }).toEqual({
          id,
          deletion: 'Retain',
          replace: 'Retain',
        });
        expect(table.Properties.StreamSpecification, id).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
        expect(table.Properties.SSESpecification, id).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
        expect(table.Properties.Replicas, id).toEqual([
          {
            Region: primaryRegion,
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': ['StackKey', 'Arn'] } },
          },
          {
            Region: secondaryRegion,
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            SSESpecification: {
              KMSMasterKeyId: {
                'Fn::Sub': 'arn:${AWS::Partition}:kms:eu-west-1:${AWS::AccountId}:alias/tyrehero-dispatch-prod',
              },
            },
          },
        ]);
      }
      // The alias the primary names exists in the secondary's template.
      expect(secondary.template.Resources.StackKeyAlias!.Properties).toEqual({
        AliasName: 'alias/tyrehero-dispatch-prod',
        TargetKeyId: { Ref: 'StackKey' },
      });
    });

    it('creates no table in the secondary, whose functions use the replicas there by the same names', () => {
      expect(byType(secondary, 'AWS::DynamoDB::Table')).toEqual([]);
      expect(byType(secondary, 'AWS::DynamoDB::GlobalTable')).toEqual([]);
      const env = secondary.template.Resources.CreateEmergencyLambdaFunction!.Properties.Environment
        .Variables as Record<string, string>;
      expect([
        env.LOCATIONS_TABLE,
        env.IDEMPOTENCY_TABLE,
        env.SCALING_STATE_TABLE,
        env.INTAKE_BUFFER_TABLE,
        env.RATE_LIMITS_TABLE,
      ]).toEqual(tableNames);
      // Table ARNs in the function roles are this region's.
      expect(JSON.stringify(secondary.template.Resources.CreateEmergencyIamRoleLambdaExecution)).toContain(
        'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/tyrehero-dispatch-prod-intake-buffer',
      );
    });
  });

  describe('Route 53 failover on the custom domain', () => {
    const record = (p: Packaged) => only(p, 'AWS::Route53::RecordSet').Properties;

    it('answers api.tyrehero.co.uk from the primary while its /health passes, else from the secondary, with a TTL of 60 s', () => {
      const [first, second] = [record(primary), record(secondary)];
      for (const [r, failover, region] of [
        [first, 'PRIMARY', primaryRegion],
        [second, 'SECONDARY', secondaryRegion],
      ] as const) {
        expect(r).toEqual({
          HostedZoneId: { Ref: 'SsmHostedZoneId' },
          Name: 'api.tyrehero.co.uk',
          Type: 'CNAME',
          TTL: '60',
          ResourceRecords: [{ 'Fn::GetAtt': ['ApiDomainName', 'RegionalDomainName'] }],
          SetIdentifier: `api.tyrehero.co.uk-${region}`,
          Failover: failover,
          HealthCheckId: { Ref: 'ApiHealthCheck' },
        });
      }
      expect(first.SetIdentifier).not.toBe(second.SetIdentifier);
    });

    it('checks each region’s own shallow /health on its execute-api host, not the shared name', () => {
      for (const p of [primary, secondary]) {
        expect(only(p, 'AWS::Route53::HealthCheck').Properties.HealthCheckConfig).toMatchObject({
          Type: 'HTTPS',
          FullyQualifiedDomainName: { 'Fn::Sub': '${ApiGatewayRestApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}' },
          ResourcePath: '/prod/health',
        });
      }
    });

    it('serves the domain from a regional API Gateway domain with its own DNS-validated certificate, mapped to the stage', () => {
      for (const p of [primary, secondary]) {
        expect(only(p, 'AWS::ApiGateway::DomainName').Properties).toEqual({
          DomainName: 'api.tyrehero.co.uk',
          RegionalCertificateArn: { Ref: 'ApiCertificate' },
          EndpointConfiguration: { Types: ['REGIONAL'] },
          SecurityPolicy: 'TLS_1_2',
        });
        expect(only(p, 'AWS::CertificateManager::Certificate').Properties).toEqual({
          DomainName: 'api.tyrehero.co.uk',
          ValidationMethod: 'DNS',
          DomainValidationOptions: [{ DomainName: 'api.tyrehero.co.uk', HostedZoneId: { Ref: 'SsmHostedZoneId' } }],
        });
        expect(only(p, 'AWS::ApiGateway::BasePathMapping').Properties).toEqual({
          DomainName: { Ref: 'ApiDomainName' },
          RestApiId: { Ref: 'ApiGatewayRestApi' },
          Stage: { Ref: 'ApiGatewayStage' },
        });
      }
    });
  });

  describe('names that are global to the account', () => {
    it('gives every IAM role, the health check, the rotation functions and the secondary cluster a name with its region', () => {
      const names = (p: Packaged, region: string) => {
        const roles = byType(p, 'AWS::IAM::Role')
          .map(([, r]) => r.Properties.RoleName as unknown)
          .filter((n): n is string => typeof n === 'string');
        expect(roles.length).toBeGreaterThan(20);
        for (const name of roles) expect(name).toMatch(new RegExp(`^tyrehero-dispatch-prod-${region}-`));
        const check = only(p, 'AWS::Route53::HealthCheck').Properties.HealthCheckTags;
        expect(check).toEqual([{ Key: 'Name', Value: `tyrehero-dispatch-prod-${region}-health` }]);
        return new Set([...roles, check[0].Value]);
      };
      const first = names(primary, primaryRegion);
      const second = names(secondary, secondaryRegion);
      expect([...first].filter((n) => second.has(n))).toEqual([]);
      for (const [, rotation] of byType(primary, 'AWS::SecretsManager::RotationSchedule'))
        expect(rotation.Properties.HostedRotationLambda.RotationLambdaName).toMatch(
          /^tyrehero-dispatch-prod-eu-west-2-/,
        );
    });
  });

  describe('staff sign-in: one user pool, in the primary region', () => {
    it('keeps the pool, its groups and client in the primary; the secondary creates none', () => {
      expect(byType(primary, 'AWS::Cognito::UserPool')).toHaveLength(1);
      expect(
        byType(primary, 'AWS::Cognito::UserPoolGroup')
          .map(([, g]) => g.Properties.GroupName)
          .sort(),
      ).toEqual(['operations', 'technicians']);
      for (const type of [
        'AWS::Cognito::UserPool',
        'AWS::Cognito::UserPoolClient',
        'AWS::Cognito::UserPoolGroup',
        'AWS::Cognito::UserPoolDomain',
      ])
        expect(byType(secondary, type), type).toEqual([]);
    });

    it('keeps the hosted sign-in for /ops/live with the pool: its domain, page client and OpsSignInUrl in the primary only', () => {
      expect(only(primary, 'AWS::Cognito::UserPoolDomain').Properties.UserPoolId).toEqual({ Ref: 'StaffUserPool' });
      expect(primary.template.Resources.OpsPageClient!.Type).toBe('AWS::Cognito::UserPoolClient');
      expect(primary.template.Outputs).toHaveProperty('OpsSignInUrl');
      expect(secondary.template.Outputs ?? {}).not.toHaveProperty('OpsSignInUrl');
      // The page signs in against the primary's API (its callback URL); the secondary takes only the staff app's tokens.
      expect(
        primary.template.Resources.AcceptJobLambdaFunction!.Properties.Environment.Variables.AUTH_OPS_PAGE_CLIENT_ID,
      ).toEqual({ Ref: 'OpsPageClient' });
      expect(
        secondary.template.Resources.AcceptJobLambdaFunction!.Properties.Environment.Variables.AUTH_OPS_PAGE_CLIENT_ID,
      ).toBe('');
      expect(JSON.stringify(secondary.template)).not.toMatch(/OpsPageClient|StaffUserPoolDomain/);
    });

    it('makes the secondary trust the primary’s pool: its authorizer, and its functions with the pool’s keys copied to SSM', () => {
      expect(only(secondary, 'AWS::ApiGateway::Authorizer').Properties.ProviderARNs).toEqual([
        {
          'Fn::Sub': `arn:\${AWS::Partition}:cognito-idp:eu-west-2:\${AWS::AccountId}:userpool/\${${ssmParameter('staff-user-pool-id')}}`,
        },
      ]);
      const env = secondary.template.Resources.AcceptJobLambdaFunction!.Properties.Environment.Variables as Record<
        string,
        unknown
      >;
      expect(env).toMatchObject({
        AUTH_ISSUER: {
          'Fn::Sub': `https://cognito-idp.eu-west-2.amazonaws.com/\${${ssmParameter('staff-user-pool-id')}}`,
        },
        AUTH_CLIENT_ID: ssm('staff-app-client-id'),
        // Its VPC reaches only its own region's Cognito endpoint: tokens are verified with the copied public keys.
        AUTH_JWKS: ssm('staff-jwks'),
      });
      expect(env.AUTH_JWKS_URL).toBeUndefined();
      expect(secondary.template.Parameters?.[ssmParameter('staff-jwks')]).toEqual({
        Type: 'AWS::SSM::Parameter::Value<String>',
        Default: '/tyrehero-dispatch/prod/pairing/staff-jwks',
        Description: 'SSM parameter /tyrehero-dispatch/prod/pairing/staff-jwks, resolved at each deploy',
      });
      const primaryEnv = primary.template.Resources.AcceptJobLambdaFunction!.Properties.Environment.Variables as Record<
        string,
        unknown
      >;
      expect(primaryEnv.AUTH_ISSUER).toEqual({
        'Fn::Sub': 'https://cognito-idp.${AWS::Region}.amazonaws.com/${StaffUserPool}',
      });
    });
  });

  describe('scheduled jobs', () => {
    const states = (p: Packaged) =>
      Object.fromEntries(
        byType(p, 'AWS::Events::Rule').map(([, r]) => [
          (r.Properties.Targets as Array<{ Arn: { 'Fn::GetAtt': string[] } }>)[0]!.Arn['Fn::GetAtt'][0],
          r.Properties.State,
        ]),
      );

    it('schedules every job in both regions, the writers deciding by the active-region record (no deploy to move them)', () => {
      const writers = [
        'DrainIntakeBufferLambdaFunction',
        'RedispatchLambdaFunction',
        'CollectMetricsLambdaFunction',
        'WeatherScalingLambdaFunction',
        'RetentionLambdaFunction',
        'DrDrillLambdaFunction',
        'DrCheckLambdaFunction',
      ];
      for (const p of [primary, secondary]) {
        const s = states(p);
        for (const fn of writers) expect(s[fn], fn).toBe('ENABLED');
        // Both read the same default until a failover writes the record: the primary serves.
        const env = p.template.Resources.DrainIntakeBufferLambdaFunction!.Properties.Environment.Variables as Record<
          string,
          unknown
        >;
        expect(env.ACTIVE_REGION_DEFAULT).toBe('eu-west-2');
      }
    });
  });

  describe('backups that corruption cannot reach (AWS Backup)', () => {
    const account = (): Account => ({
      service: 'tyrehero-dispatch',
      stage: 'prod',
      regions: [
        { region: primaryRegion, template: primary.template },
        { region: secondaryRegion, template: secondary.template },
      ],
    });
    const evaluate = (p: Packaged, expr: unknown) =>
      new Evaluator(
        account(),
        account().regions.find((r) => r.template === p.template)!,
      ).value(expr);
    const vaultArn = (p: Packaged, region: string) =>
      `arn:aws:backup:${region}:${ACCOUNT}:backup-vault:${String(evaluate(p, p.template.Resources.BackupVault!.Properties.BackupVaultName))}`;
    const backupRoleArn = () =>
      `arn:aws:iam::${ACCOUNT}:role/${String(evaluate(primary, primary.template.Resources.BackupRole!.Properties.RoleName))}`;

    it('backs up daily into the primary’s vault, keeps each recovery point 35 days, and copies it to the secondary’s vault', () => {
      const plan = only(primary, 'AWS::Backup::BackupPlan').Properties.BackupPlan;
      expect(plan.BackupPlanRule).toHaveLength(1);
      const [rule] = plan.BackupPlanRule;
      expect(rule).toMatchObject({
        ScheduleExpression: 'cron(0 3 * * ? *)',
        ScheduleExpressionTimezone: 'Etc/UTC',
        TargetBackupVault: { Ref: 'BackupVault' },
        Lifecycle: { DeleteAfterDays: 35 },
      });
      expect(rule.CopyActions).toHaveLength(1);
      expect(rule.CopyActions[0].Lifecycle).toEqual({ DeleteAfterDays: 35 });
      // Built from the name, so the primary can be deployed first; it is the vault the secondary's template creates.
      expect(evaluate(primary, rule.CopyActions[0].DestinationBackupVaultArn)).toBe(
        vaultArn(secondary, secondaryRegion),
      );
      expect(vaultArn(secondary, secondaryRegion)).toBe(
        `arn:aws:backup:eu-west-1:${ACCOUNT}:backup-vault:tyrehero-dispatch-prod`,
      );
    });

    it('selects the cluster and every table, as the role AWS Backup assumes with AWS’s managed backup and restore policies', () => {
      const selection = only(primary, 'AWS::Backup::BackupSelection').Properties;
      expect(selection.BackupPlanId).toEqual({ Ref: 'BackupPlan' });
      expect(selection.BackupSelection.IamRoleArn).toEqual({ 'Fn::GetAtt': ['BackupRole', 'Arn'] });
      expect(new Set(evaluate(primary, selection.BackupSelection.Resources))).toEqual(
        new Set([
          evaluate(primary, { 'Fn::GetAtt': ['DatabaseCluster', 'Arn'] }),
          ...tableNames.map((t) => `arn:aws:dynamodb:eu-west-2:${ACCOUNT}:table/${t}`),
        ]),
      );
      const role = primary.template.Resources.BackupRole!.Properties;
      expect(role.AssumeRolePolicyDocument.Statement).toEqual([
        {
          Effect: 'Allow',
          Principal: { Service: 'backup.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ]);
      expect(evaluate(primary, role.ManagedPolicyArns)).toEqual([
        'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup',
        'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores',
      ]);
      expect(role.Policies).toBeUndefined();
    });

    it('keeps a retained vault in each half, encrypted with that region’s stack key, and the plan in the primary only', () => {
      for (const p of [primary, secondary]) {
        const vault = only(p, 'AWS::Backup::BackupVault');
        expect(vault.DeletionPolicy).toBe('Retain');
        expect(vault.UpdateReplacePolicy).toBe('Retain');
        expect(vault.Properties.EncryptionKeyArn).toEqual({ 'Fn::GetAtt': ['StackKey', 'Arn'] });
      }
      for (const type of ['AWS::Backup::BackupPlan', 'AWS::Backup::BackupSelection'])
        expect(byType(secondary, type)).toEqual([]);
      expect(secondary.template.Resources.BackupRole).toBeUndefined();
    });

    it('lets the backup role use each vault’s key, as the key policy is evaluated, and nobody else through that statement', () => {
      for (const [p, region] of [
        [primary, primaryRegion],
        [secondary, secondaryRegion],
      ] as const) {
        const keyArn = evaluate(p, { 'Fn::GetAtt': ['StackKey', 'Arn'] }) as string;
        const key = findKey(account(), region, keyArn);
        if (!key || key === 'aws-managed') throw new Error(`no stack key in ${region}`);
        const evaluator = new Evaluator(
          account(),
          account().regions.find((r) => r.region === region)!,
        );
        for (const action of [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncryptFrom',
          'kms:GenerateDataKey',
          'kms:DescribeKey',
        ])
          expect(keyAllows(key, action, { principalArn: backupRoleArn() }, [], evaluator), `${region} ${action}`).toBe(
            true,
          );
        const otherRole = `arn:aws:iam::${ACCOUNT}:role/tyrehero-dispatch-prod-${region}-drRestore`;
        expect(keyAllows(key, 'kms:Decrypt', { principalArn: otherRole }, [], evaluator), region).toBe(false);
        // Its grants are for AWS resources only (the recovery points): the key's Deny on any other grant still holds.
        const statement = (
          p.template.Resources.StackKey!.Properties.KeyPolicy.Statement as Array<{ Sid: string; Action: string[] }>
        ).find((st) => st.Sid === 'BackupUsesKey');
        expect(statement?.Action).toContain('kms:CreateGrant');
        expect(keyAllows(key, 'kms:CreateGrant', { principalArn: backupRoleArn() }, [], evaluator)).toBe(false);
      }
    });
  });

  describe('forensics (CloudTrail), in the secondary', () => {
    const trailArn = `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/tyrehero-dispatch-prod`;
    const account = (): Account => ({
      service: 'tyrehero-dispatch',
      stage: 'prod',
      regions: [
        { region: primaryRegion, template: primary.template },
        { region: secondaryRegion, template: secondary.template },
      ],
    });
    const evaluate = (expr: unknown) => new Evaluator(account(), account().regions[1]!).value(expr);

    it('has one multi-region trail for the stage, with log file validation and KMS-encrypted log files', () => {
      expect(byType(primary, 'AWS::CloudTrail::Trail')).toEqual([]);
      const trail = only(secondary, 'AWS::CloudTrail::Trail');
      expect(trail.Properties).toEqual({
        TrailName: 'tyrehero-dispatch-prod',
        S3BucketName: { Ref: 'ForensicTrailBucket' },
        IsLogging: true,
        IsMultiRegionTrail: true,
        IncludeGlobalServiceEvents: true,
        EnableLogFileValidation: true,
        KMSKeyId: { 'Fn::GetAtt': ['StackKey', 'Arn'] },
      });
      expect(trail.DependsOn).toEqual(['ForensicTrailBucketPolicy']);
      expect(evaluate(`arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/${trail.Properties.TrailName}`)).toBe(trailArn);
    });

    it('keeps the logs in a retained, private, KMS-encrypted bucket with a name of its own on every deploy', () => {
      // Besides osls's own deployment bucket, the one bucket of the stack.
      expect(byType(secondary, 'AWS::S3::Bucket').map(([id]) => id)).toEqual([
        'ServerlessDeploymentBucket',
        'ForensicTrailBucket',
      ]);
      const bucket = secondary.template.Resources.ForensicTrailBucket!;
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(bucket.UpdateReplacePolicy).toBe('Retain');
      const name = evaluate(bucket.Properties.BucketName) as string;
      expect(name).toBe(`tyrehero-dispatch-prod-trail-${ACCOUNT}-eu-west-1`);
      expect(name.length).toBeLessThanOrEqual(63);
      expect(bucket.Properties).toMatchObject({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              ServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: { 'Fn::GetAtt': ['StackKey', 'Arn'] },
              },
            },
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        VersioningConfiguration: { Status: 'Enabled' },
      });
      expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([
        expect.objectContaining({
          Status: 'Enabled',
          ExpirationInDays: 365,
          NoncurrentVersionExpiration: { NoncurrentDays: 365 },
        }),
      ]);
    });

    it('lets CloudTrail check the bucket and write its log files for this trail only, and nobody in without TLS', () => {
      const policy = secondary.template.Resources.ForensicTrailBucketPolicy!.Properties;
      expect(policy.Bucket).toEqual({ Ref: 'ForensicTrailBucket' });
      // The bucket by its own ARN (GetAtt), the trail by the name-based ARN its conditions evaluate to.
      const bucketArn = { 'Fn::GetAtt': ['ForensicTrailBucket', 'Arn'] };
      const statements = (policy.PolicyDocument.Statement as Array<Record<string, unknown>>).map((st) => ({
        ...st,
        Condition: JSON.parse(JSON.stringify(st.Condition), (_, v: unknown) =>
          v && typeof v === 'object' && 'Fn::Sub' in v ? evaluate(v) : v,
        ),
      }));
      expect(statements).toEqual([
        {
          Sid: 'AWSCloudTrailAclCheck',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 's3:GetBucketAcl',
          Resource: bucketArn,
          Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
        },
        {
          Sid: 'AWSCloudTrailWrite',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: { 'Fn::Sub': '${ForensicTrailBucket.Arn}/AWSLogs/${AWS::AccountId}/*' },
          Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trailArn } },
        },
        {
          Sid: 'TlsOnly',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [bucketArn, { 'Fn::Join': ['', [bucketArn, '/*']] }],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ]);
    });

    it('lets CloudTrail encrypt with the secondary’s stack key for this trail only', () => {
      const statements = secondary.template.Resources.StackKey!.Properties.KeyPolicy.Statement as Array<{
        Sid: string;
        Principal: unknown;
        Action: unknown;
        Condition: Record<string, Record<string, unknown>>;
      }>;
      const byCloudTrail = statements.filter(
        (st) => JSON.stringify(st.Principal) === JSON.stringify({ Service: 'cloudtrail.amazonaws.com' }),
      );
      expect(byCloudTrail.map((st) => [st.Action, evaluate(st.Condition.StringEquals!['aws:SourceArn'])])).toEqual([
        ['kms:GenerateDataKey*', trailArn],
        ['kms:DescribeKey', trailArn],
      ]);
      expect(evaluate(byCloudTrail[0]!.Condition.StringLike!['kms:EncryptionContext:aws:cloudtrail:arn'])).toBe(
        `arn:aws:cloudtrail:*:${ACCOUNT}:trail/*`,
      );
    });
  });

  describe('policy checks on the secondary (cfn-guard, the same rules and suppressions as the primary)', () => {
    it('finds no Control Tower violation that the suppressions file does not list', () => {
      const guardPackage = path.join(projectRoot, 'node_modules/@cdklabs/cdk-validator-cfnguard');
      const binary = path.join(
        guardPackage,
        'bin',
        process.platform === 'darwin' ? 'macos' : 'ubuntu',
        process.arch === 'arm64' ? 'aarch64' : 'x86_64',
        'cfn-guard',
      );
      const run = spawnSync(
        binary,
        [
          'validate',
          '--data',
          secondary.file,
          '--rules',
          path.join(guardPackage, 'rules/control-tower/cfn-guard'),
          '--output-format',
          'json',
          '--structured',
          '--show-summary',
          'none',
        ],
        {
          encoding: 'utf8',
          maxBuffer: 256 * 1024 * 1024,
        },
      );
      expect(run.error).toBeUndefined();
      const [report] = JSON.parse(run.stdout) as Array<{
        not_compliant: Array<{ Rule: { name: string; checks: unknown } }>;
      }>;
      const findings = report!.not_compliant.flatMap(({ Rule }) =>
        [...new Set([...JSON.stringify(Rule.checks).matchAll(/\/Resources\/([A-Za-z0-9]+)/g)].map((m) => m[1]!))].map(
          (resource) => ({ rule: Rule.name, resource }),
        ),
      );
      const suppressions = yaml.load(
        readFileSync(path.join(projectRoot, 'resources/policy/cfn-guard-suppressions.yml'), 'utf8'),
      ) as Array<{ rule: string; resources: string[]; only?: 'secondary' }>;
      const matches = (pattern: string, id: string) =>
        new RegExp(
          `^${pattern
            .split('*')
            .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
            .join('.*')}$`,
        ).test(id);
      expect(
        findings.filter(
          (f) => !suppressions.some((s) => s.rule === f.rule && s.resources.some((p) => matches(p, f.resource))),
        ),
      ).toEqual([]);
      // The entries for resources only the secondary has (the forensic trail) must still match something here.
      const stale = suppressions.filter(
        (s) =>
          s.only === 'secondary' &&
          !findings.some((f) => f.rule === s.rule && s.resources.some((p) => matches(p, f.resource))),
      );
      expect(stale.map((s) => s.rule)).toEqual([]);
    }, 600_000);
  });
});
