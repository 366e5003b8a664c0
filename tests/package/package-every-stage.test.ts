import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokenReferences, dependencyCycles, discard, packageService, type Packaged } from '../support/package.js';

// Every single-region stage in both regions, packaged once each per run, one after another: osls packages through the
// checkout's own .serverless/, so packagings cannot overlap (tests/support/package.ts). Prod is a region pair: its
// primary is package-template.test.ts's, and both halves are package-regions.test.ts's.
const targets = [
  { stage: 'dev', region: 'eu-west-2' },
  { stage: 'dev', region: 'eu-west-1' },
  { stage: 'staging', region: 'eu-west-2' },
  { stage: 'staging', region: 'eu-west-1' },
];
const packaged = new Map<string, Packaged>();
const key = (t: { stage: string; region: string }) => `${t.stage}/${t.region}`;

beforeAll(async () => {
  for (const target of targets) packaged.set(key(target), await packageService(target.stage, target.region));
}, 1_800_000);

afterAll(() => {
  for (const p of packaged.values()) discard(p);
});

const resourcesOf = (t: { stage: string; region: string }) => packaged.get(key(t))!.template.Resources;
const byType = (t: { stage: string; region: string }, type: string) =>
  Object.entries(resourcesOf(t)).filter(([, r]) => r.Type === type);

describe.each(targets)('npx sls package --stage $stage --region $region', (target) => {
  const { stage, region } = target;

  it('packages, and every Ref, GetAtt and Fn::Sub name points at something', () => {
    expect(brokenReferences(packaged.get(key(target))!.template)).toEqual([]);
  });

  it('stays well within CloudFormation’s 500 resources a template', () => {
    expect(Object.keys(resourcesOf(target)).length).toBeLessThanOrEqual(480);
  });

  it('is a single-region stack: plain tables, its own cluster, no global cluster and no custom domain', () => {
    expect(byType(target, 'AWS::DynamoDB::Table')).toHaveLength(5);
    expect(byType(target, 'AWS::DynamoDB::GlobalTable')).toEqual([]);
    expect(byType(target, 'AWS::RDS::GlobalCluster')).toEqual([]);
    expect(resourcesOf(target).DatabaseCluster!.Properties.GlobalClusterIdentifier).toBeUndefined();
    expect(byType(target, 'AWS::Route53::RecordSet')).toEqual([]);
    // Its phone keys stay single-region: turning MultiRegion on would replace them and strand what they sealed.
    expect(byType(target, 'AWS::KMS::ReplicaKey')).toEqual([]);
    for (const id of ['PhoneDataKey', 'PhoneHashKey']) {
      expect(resourcesOf(target)[id]!.Type, id).toBe('AWS::KMS::Key');
      expect(resourcesOf(target)[id]!.Properties.MultiRegion, id).toBeUndefined();
    }
    const env = resourcesOf(target).DrCheckLambdaFunction!.Properties.Environment.Variables as Record<string, unknown>;
    expect(env).toMatchObject({ DR_GLOBAL_CLUSTER_ID: '', DR_SECONDARY_REGION: '', DR_SECONDARY_CLUSTER_ID: '' });
  });

  it('names every IAM role (global to the account) with the stage and the region, within IAM’s 64 characters', () => {
    const roles = byType(target, 'AWS::IAM::Role');
    expect(roles.length).toBeGreaterThan(20);
    for (const [id, role] of roles) {
      const name = role.Properties.RoleName as unknown;
      // osls's shared role is a Join on AWS::Region; every other name is a literal.
      if (typeof name === 'string') {
        expect(name, id).toMatch(new RegExp(`^tyrehero-dispatch-${stage}-${region}-`));
        expect(name.length, id).toBeLessThanOrEqual(64);
      } else expect(JSON.stringify(name), id).toContain('{"Ref":"AWS::Region"}');
    }
  });

  it('names its regional resources (tables, topics, queues, proxy, secrets, WAF) per stage; the region keeps them apart', () => {
    // These names are unique per account *and region*, so the same stage in two regions may share them.
    const names = [
      ...byType(target, 'AWS::DynamoDB::Table').map(([, r]) => r.Properties.TableName),
      ...byType(target, 'AWS::SNS::Topic').map(([, r]) => r.Properties.TopicName),
      ...byType(target, 'AWS::SQS::Queue').map(([, r]) => r.Properties.QueueName),
      ...byType(target, 'AWS::RDS::DBProxy').map(([, r]) => r.Properties.DBProxyName),
      ...byType(target, 'AWS::SecretsManager::Secret').map(([, r]) => r.Properties.Name),
      ...byType(target, 'AWS::WAFv2::WebACL').map(([, r]) => r.Properties.Name),
    ] as string[];
    expect(names.length).toBe(5 + 3 + 1 + 1 + 2 + 1);
    for (const name of names) expect(name).toMatch(new RegExp(`^tyrehero-dispatch[-/]${stage}([-/]|$)`));
    const other = targets.find((t) => t.stage === stage && t.region !== region) ?? { stage, region: 'eu-west-2' };
    if (packaged.has(key(other))) {
      const otherTables = byType(other, 'AWS::DynamoDB::Table').map(([, r]) => r.Properties.TableName);
      expect(byType(target, 'AWS::DynamoDB::Table').map(([, r]) => r.Properties.TableName)).toEqual(otherTables);
    }
  });

  it('names the health check after its region, since Route 53 health checks are global', () => {
    const [, check] = byType(target, 'AWS::Route53::HealthCheck')[0]!;
    expect(check.Properties.HealthCheckTags).toEqual([
      { Key: 'Name', Value: `tyrehero-dispatch-${stage}-${region}-health` },
    ]);
    expect(check.Properties.HealthCheckConfig.ResourcePath).toBe(`/${stage}/health`);
  });

  it('matches the stage’s protections: staff routes geo-blocked outside dev, TOTP and deletion protection in prod', () => {
    const [, acl] = byType(target, 'AWS::WAFv2::WebACL')[0]!;
    const geo = (acl.Properties.Rules as Array<{ Name: string; Action: unknown }>).find(
      (r) => r.Name === 'staff-routes-in-service-area-only',
    )!;
    expect(geo.Action).toEqual(stage === 'dev' ? { Count: {} } : { Block: {} });
    const [, pool] = byType(target, 'AWS::Cognito::UserPool')[0]!;
    expect(pool.Properties.MfaConfiguration).toBe(stage === 'prod' ? 'ON' : 'OPTIONAL');
    expect(pool.Properties.UserPoolTier).toBe('PLUS');
    // The hosted sign-in for /ops/live: a prefix domain per stage and account, coming back to this stage's API only.
    expect(resourcesOf(target).StaffUserPoolDomain!.Properties.Domain).toEqual({
      'Fn::Sub': `tyrehero-dispatch-${stage}-\${AWS::AccountId}`,
    });
    expect(resourcesOf(target).OpsPageClient!.Properties.CallbackURLs).toEqual([
      { 'Fn::Sub': `https://\${ApiGatewayRestApi}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}/${stage}/ops/live` },
    ]);
    expect(dependencyCycles(packaged.get(key(target))!.template)).toEqual([]);
    expect(resourcesOf(target).DatabaseCluster!.Properties.DeletionProtection).toBe(stage === 'prod');
  });

  it('puts partner intake behind an API key everywhere, with a usage plan and keys only where partnerApiKeys is on (staging)', () => {
    const method = resourcesOf(target).ApiGatewayMethodPartnerEmergenciesPost!;
    expect(method.Properties).toMatchObject({ HttpMethod: 'POST', ApiKeyRequired: true, AuthorizationType: 'NONE' });
    expect(resourcesOf(target).ApiGatewayMethodEmergenciesPost!.Properties.ApiKeyRequired ?? false).toBe(false);
    const plans = byType(target, 'AWS::ApiGateway::UsagePlan');
    const keys = byType(target, 'AWS::ApiGateway::ApiKey');
    if (stage !== 'staging') {
      expect(plans).toEqual([]);
      expect(keys).toEqual([]);
      return;
    }
    expect(plans.map(([id]) => id)).toEqual(['PartnerUsagePlan']);
    expect(plans[0]![1].Properties).toEqual({
      UsagePlanName: `tyrehero-dispatch-staging-partners`,
      Description: expect.any(String),
      ApiStages: [{ ApiId: { Ref: 'ApiGatewayRestApi' }, Stage: { Ref: 'ApiGatewayStage' } }],
      Throttle: { RateLimit: 20, BurstLimit: 40 },
      Quota: { Limit: 5000, Period: 'DAY' },
    });
    expect(keys).toEqual([
      [
        'PartnerApiKeySandbox',
        {
          Type: 'AWS::ApiGateway::ApiKey',
          Properties: {
            Name: 'tyrehero-dispatch-staging-partner-sandbox',
            Description: expect.any(String),
            Enabled: true,
          },
        },
      ],
    ]);
    // The key's value is generated by API Gateway: never a Value in the template.
    expect(JSON.stringify(keys)).not.toContain('"Value"');
    expect(byType(target, 'AWS::ApiGateway::UsagePlanKey').map(([, r]) => r.Properties)).toEqual([
      { KeyId: { Ref: 'PartnerApiKeySandbox' }, KeyType: 'API_KEY', UsagePlanId: { Ref: 'PartnerUsagePlan' } },
    ]);
  });

  it('keeps intake’s reserved concurrency above the largest provisioned concurrency weather scaling may set', () => {
    const env = resourcesOf(target).WeatherScalingLambdaFunction!.Properties.Environment.Variables as Record<
      string,
      { 'Fn::Sub': string }
    >;
    const targetsJson = JSON.parse(
      env.WEATHER_SCALING_TARGETS!['Fn::Sub'].replace('${DatabaseCluster}', 'c'),
    ) as Array<{ kind: string; capacity?: Record<string, { max: number }> }>;
    const largest = Math.max(
      ...Object.values(targetsJson.find((t) => t.kind === 'provisioned-concurrency')!.capacity!).map((l) => l.max),
    );
    expect(
      resourcesOf(target).CreateEmergencyLambdaFunction!.Properties.ReservedConcurrentExecutions,
    ).toBeGreaterThanOrEqual(largest);
  });
});
