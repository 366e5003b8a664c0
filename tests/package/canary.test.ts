// Gradual deployment (serverless-plugin-canary-deployments + scripts/serverless/canary-rollback.cjs) as CloudFormation
// and CodeDeploy would read the packaged templates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discard, packageService, type Packaged, type Resource } from '../support/package.js';

/** Every request-path function, with the API routes (method resource ids) that invoke it. */
const requestPath: Record<string, string[]> = {
  createEmergency: ['ApiGatewayMethodEmergenciesPost', 'ApiGatewayMethodPartnerEmergenciesPost'],
  getEmergency: ['ApiGatewayMethodEmergenciesIdVarGet'],
  cancelEmergency: ['ApiGatewayMethodEmergenciesIdVarCancelPost'],
  rateEmergency: ['ApiGatewayMethodEmergenciesIdVarRatingPost'],
  acceptJob: ['ApiGatewayMethodJobsIdVarAcceptPost'],
  declineJob: ['ApiGatewayMethodJobsIdVarDeclinePost'],
  jobEnRoute: ['ApiGatewayMethodJobsIdVarEnDashroutePost'],
  jobArrived: ['ApiGatewayMethodJobsIdVarArrivedPost'],
  completeJob: ['ApiGatewayMethodJobsIdVarCompletePost'],
  updateTechnicianLocation: ['ApiGatewayMethodTechniciansIdVarLocationPut'],
  updateTechnicianStatus: ['ApiGatewayMethodTechniciansIdVarStatusPut'],
  reassignRequest: ['ApiGatewayMethodOpsRequestsIdVarReassignPost'],
  cancelRequest: ['ApiGatewayMethodOpsRequestsIdVarCancelPost'],
  completeJobByOverride: ['ApiGatewayMethodOpsJobsIdVarCompletePost'],
  health: ['ApiGatewayMethodHealthGet'],
};
const upper = (fn: string) => `${fn[0]!.toUpperCase()}${fn.slice(1)}`;
const fnId = (fn: string) => `${upper(fn)}LambdaFunction`;
const aliasId = (fn: string) => `${fnId(fn)}AliasLive`;
const groupId = (fn: string) => `${fnId(fn)}DeploymentGroup`;

let prod: Packaged;
let dev: Packaged;
let staging: Packaged;
let resources: Record<string, Resource>;
beforeAll(async () => {
  prod = await packageService('prod', 'eu-west-2');
  dev = await packageService('dev', 'eu-west-2');
  staging = await packageService('staging', 'eu-west-2');
  resources = prod.template.Resources;
}, 1_200_000);
afterAll(() => {
  discard(prod);
  discard(dev);
  discard(staging);
});

const byType = (all: Record<string, Resource>, type: string) => Object.entries(all).filter(([, r]) => r.Type === type);

describe('gradual deployment of the request-path functions (prod, eu-west-2)', () => {
  it('deploys exactly the request-path functions gradually, each through a Live alias', () => {
    expect(
      byType(resources, 'AWS::CodeDeploy::DeploymentGroup')
        .map(([id]) => id)
        .sort(),
    ).toEqual(Object.keys(requestPath).map(groupId).sort());
    expect(
      byType(resources, 'AWS::Lambda::Alias')
        .map(([id]) => id)
        .sort(),
    ).toEqual(Object.keys(requestPath).map(aliasId).sort());
  });

  it.each(Object.keys(requestPath))('%s: its alias is shifted by CodeDeploy behind the pre-traffic hook', (fn) => {
    const alias = resources[aliasId(fn)]!;
    expect(alias.Properties).toMatchObject({ Name: 'Live', FunctionName: { Ref: fnId(fn) } });
    const version = (alias.Properties.FunctionVersion as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    expect(resources[version]).toMatchObject({
      Type: 'AWS::Lambda::Version',
      Properties: { FunctionName: { Ref: fnId(fn) } },
    });
    expect((alias as { UpdatePolicy?: unknown }).UpdatePolicy).toEqual({
      CodeDeployLambdaAliasUpdate: {
        ApplicationName: { Ref: 'TyreherodispatchprodDeploymentApplication' },
        DeploymentGroupName: { Ref: groupId(fn) },
        BeforeAllowTrafficHook: { Ref: 'PreTrafficHookLambdaFunction' },
      },
    });
  });

  it.each(Object.keys(requestPath))(
    '%s: its group shifts by the stage’s canary and rolls back on any rollback alarm',
    (fn) => {
      const group = resources[groupId(fn)]!.Properties;
      expect(group.DeploymentConfigName).toEqual({
        'Fn::Sub': ['CodeDeployDefault.Lambda${ConfigName}', { ConfigName: 'Canary10Percent5Minutes' }],
      });
      expect(group.ServiceRoleArn).toEqual({ 'Fn::GetAtt': ['CanaryDeploymentRole', 'Arn'] });
      expect(group.AutoRollbackConfiguration).toEqual({
        Enabled: true,
        Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM', 'DEPLOYMENT_STOP_ON_REQUEST'],
      });
      const alarmIds = (group.AlarmConfiguration.Alarms as Array<{ Name: { Ref: string } }>).map((a) => a.Name.Ref);
      expect(group.AlarmConfiguration.Enabled).toBe(true);
      const routes = requestPath[fn]!;
      // One alarm a function, over every signal: any one breaching rolls the release back.
      expect(alarmIds).toEqual([`${upper(fn)}RollbackAlarm`]);
      const alarm = resources[alarmIds[0]!]!;
      expect(alarm.Type).toBe('AWS::CloudWatch::Alarm');
      expect(alarm.Properties).toMatchObject({
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        AlarmActions: [{ Ref: 'WarningAlarmsTopic' }],
      });
      // A metric-math alarm takes no period, metric or statistic of its own (PutMetricAlarm refuses them).
      for (const key of ['Period', 'MetricName', 'Namespace', 'Statistic', 'ExtendedStatistic', 'Dimensions'])
        expect(alarm.Properties[key], key).toBeUndefined();
      type Query = {
        Id: string;
        Expression?: string;
        ReturnData: boolean;
        MetricStat?: {
          Metric: { Namespace: string; MetricName: string; Dimensions: unknown[] };
          Period: number;
          Stat: string;
        };
      };
      const queries = alarm.Properties.Metrics as Query[];
      // CloudWatch takes at most ten queries an alarm.
      expect(queries.length).toBeLessThanOrEqual(10);
      const byId = Object.fromEntries(queries.map((q) => [q.Id, q]));
      const version = resources[aliasId(fn)]!.Properties.FunctionVersion;
      const onAlias = [
        { Name: 'FunctionName', Value: { Ref: fnId(fn) } },
        { Name: 'Resource', Value: { 'Fn::Sub': `\${${fnId(fn)}}:Live` } },
      ];
      const onNewVersion = [...onAlias, { Name: 'ExecutedVersion', Value: version }];
      expect(byId.errors!.MetricStat).toEqual({
        Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: onNewVersion },
        Period: 60,
        Stat: 'Sum',
      });
      expect(byId.throttles!.MetricStat).toEqual({
        Metric: { Namespace: 'AWS/Lambda', MetricName: 'Throttles', Dimensions: onAlias },
        Period: 60,
        Stat: 'Sum',
      });
      expect(byId.p95!.MetricStat).toEqual({
        Metric: { Namespace: 'AWS/Lambda', MetricName: 'Duration', Dimensions: onNewVersion },
        Period: 60,
        Stat: 'p95',
      });
      routes.forEach((route, i) => {
        const method = resources[route]!.Properties;
        const api = byId[`api5xx${i + 1}`]!.MetricStat!;
        expect(api).toMatchObject({ Metric: { Namespace: 'AWS/ApiGateway', MetricName: '5XXError' }, Stat: 'Sum' });
        expect(api.Metric.Dimensions).toEqual(
          expect.arrayContaining([
            { Name: 'ApiName', Value: 'prod-tyrehero-dispatch' },
            { Name: 'Stage', Value: 'prod' },
            { Name: 'Method', Value: method.HttpMethod },
          ]),
        );
      });
      // Only the expression is the alarm's series, and every signal is a term of it: a breach of any one counts.
      expect(queries.filter((q) => q.ReturnData).map((q) => q.Id)).toEqual(['breaches']);
      const terms = [
        'FILL(errors, 0)',
        'FILL(throttles, 0)',
        ...routes.map((_, i) => `FILL(api5xx${i + 1}, 0)`),
        'IF(FILL(p95, 0) > 2000, 1, 0)',
      ];
      expect(byId.breaches!.Expression).toBe(terms.join(' + '));
      expect(queries.filter((q) => !q.ReturnData)).toHaveLength(3 + routes.length);
      // The alarms watch the new version before any traffic moves to it.
      expect((resources[aliasId(fn)] as { DependsOn?: string[] }).DependsOn).toEqual(alarmIds);
    },
  );

  it.each(Object.keys(requestPath))(
    '%s: API Gateway invokes the Live alias, and only the alias may be invoked by it',
    (fn) => {
      for (const route of requestPath[fn]!) {
        expect(JSON.stringify(resources[route]!.Properties.Integration.Uri)).toContain(`{"Ref":"${aliasId(fn)}"}`);
      }
      const permissions = byType(resources, 'AWS::Lambda::Permission').filter(
        ([, p]) =>
          p.Properties.Principal === 'apigateway.amazonaws.com' &&
          JSON.stringify(p.Properties.FunctionName).includes(`"${upper(fn)}LambdaFunction`),
      );
      expect(permissions.length).toBeGreaterThan(0);
      for (const [, p] of permissions) expect(p.Properties.FunctionName).toEqual({ Ref: aliasId(fn) });
    },
  );

  it('keeps intake’s provisioned concurrency on the Live alias, the one weather scaling raises, and no second alias', () => {
    expect(resources[aliasId('createEmergency')]!.Properties.ProvisionedConcurrencyConfig).toEqual({
      ProvisionedConcurrentExecutions: 2,
    });
    expect(resources.CreateEmergencyProvConcLambdaAlias).toBeUndefined();
    const env = resources.WeatherScalingLambdaFunction!.Properties.Environment.Variables;
    expect(JSON.stringify(env.WEATHER_SCALING_TARGETS)).toContain('\\"alias\\":\\"Live\\"');
    const role = resources.WeatherScalingIamRoleLambdaExecution!.Properties.Policies[0].PolicyDocument
      .Statement as Array<{
      Action: string[];
      Resource: unknown;
    }>;
    const provisioned = role.find((s) => s.Action.includes('lambda:PutProvisionedConcurrencyConfig'))!;
    expect(JSON.stringify(provisioned.Resource)).toMatch(/function:tyrehero-dispatch-prod-createEmergency:Live"/);
  });

  it('lets the pre-traffic hook answer only these deployments and invoke only these functions’ versions', () => {
    const hook = resources.PreTrafficHookLambdaFunction!;
    expect(hook.Properties.Environment.Variables).toMatchObject({
      HEALTH_FUNCTION_NAME: 'tyrehero-dispatch-prod-health',
      INTAKE_FUNCTION_NAME: 'tyrehero-dispatch-prod-createEmergency',
      CANCEL_FUNCTION_NAME: 'tyrehero-dispatch-prod-cancelEmergency',
    });
    const statements = resources.PreTrafficHookIamRoleLambdaExecution!.Properties.Policies[0].PolicyDocument
      .Statement as Array<{ Action: string[]; Resource: Array<{ 'Fn::Sub': string }> }>;
    const own = statements.filter((s) => s.Action.some((a) => /^(codedeploy|lambda):/.test(a)));
    expect(own.map((s) => s.Action)).toEqual([
      ['codedeploy:GetDeployment', 'codedeploy:PutLifecycleEventHookExecutionStatus'],
      ['lambda:InvokeFunction'],
    ]);
    expect(own[0]!.Resource.map((r) => r['Fn::Sub']).sort()).toEqual(
      Object.keys(requestPath)
        .map(
          (fn) =>
            `arn:\${AWS::Partition}:codedeploy:\${AWS::Region}:\${AWS::AccountId}:deploymentgroup:tyrehero-dispatch-prod/tyrehero-dispatch-prod-${groupId(fn)}`,
        )
        .sort(),
    );
    expect(own[1]!.Resource.map((r) => r['Fn::Sub']).sort()).toEqual(
      Object.keys(requestPath)
        .map((fn) => `\${${fnId(fn)}.Arn}:*`)
        .sort(),
    );
    // Those ARNs hold because the application is named after the stack.
    expect(resources.TyreherodispatchprodDeploymentApplication!.Properties).toEqual({
      ComputePlatform: 'Lambda',
      ApplicationName: 'tyrehero-dispatch-prod',
    });
  });

  it('gives CodeDeploy a role of its own, not the plugin’s AWSLambda_FullAccess one', () => {
    expect(resources.CodeDeployServiceRole).toBeUndefined();
    const role = resources.CanaryDeploymentRole!.Properties;
    expect(role.ManagedPolicyArns).toBeUndefined();
    const actions = role.Policies[0].PolicyDocument.Statement.flatMap((s: { Action: string[] }) => s.Action).sort();
    expect(actions).toEqual([
      'cloudwatch:DescribeAlarms',
      'lambda:GetAlias',
      'lambda:GetProvisionedConcurrencyConfig',
      'lambda:InvokeFunction',
      'lambda:UpdateAlias',
    ]);
  });
});

describe('gradual deployment on staging', () => {
  it('shifts by a 2-minute canary, shorter than prod’s, declared as its own deployment config', () => {
    const all = staging.template.Resources;
    expect(all.CanaryDeploymentConfig).toEqual({
      Type: 'AWS::CodeDeploy::DeploymentConfig',
      Properties: {
        ComputePlatform: 'Lambda',
        TrafficRoutingConfig: { Type: 'TimeBasedCanary', TimeBasedCanary: { CanaryPercentage: 10, CanaryInterval: 2 } },
      },
    });
    const groups = byType(all, 'AWS::CodeDeploy::DeploymentGroup');
    expect(groups).toHaveLength(Object.keys(requestPath).length);
    for (const [, g] of groups) expect(g.Properties.DeploymentConfigName).toEqual({ Ref: 'CanaryDeploymentConfig' });
    // Prod keeps CodeDeploy's own 5-minute canary and declares none.
    expect(resources.CanaryDeploymentConfig).toBeUndefined();
  });
});

describe('gradual deployment on dev', () => {
  it('shifts all at once, still behind the hook and the alarms', () => {
    const groups = byType(dev.template.Resources, 'AWS::CodeDeploy::DeploymentGroup');
    expect(groups).toHaveLength(Object.keys(requestPath).length);
    for (const [, g] of groups)
      expect(g.Properties.DeploymentConfigName).toEqual({
        'Fn::Sub': ['CodeDeployDefault.Lambda${ConfigName}', { ConfigName: 'AllAtOnce' }],
      });
  });
});

describe('schema before code (resources/schema-migration.cjs, scripts/serverless/schema-first.cjs)', () => {
  it('publishes versions for the gradually deployed functions only: the rest run $LATEST', () => {
    const versioned = byType(resources, 'AWS::Lambda::Version')
      .map(([, v]) => (v.Properties.FunctionName as { Ref: string }).Ref)
      .sort();
    expect(versioned).toEqual(Object.keys(requestPath).map(fnId).sort());
  });

  it.each([
    ['prod', () => resources],
    ['dev', () => dev.template.Resources],
  ])('%s: migrates inside the deploy, by invoking migrate, whenever the migrations change', (_, of) => {
    const all = of();
    const migration = all.SchemaMigration!;
    expect(migration.Type).toBe('Custom::SchemaMigration');
    expect(migration.Properties).toMatchObject({
      ServiceToken: { 'Fn::GetAtt': ['SchemaMigrationFunction', 'Arn'] },
      FunctionName: { Ref: 'MigrateLambdaFunction' },
      MigrationsHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // Within migrate's 300 s and the trigger's own timeout, far short of CloudFormation's default hour.
    const trigger = all.SchemaMigrationFunction!.Properties;
    expect(trigger.Timeout).toBeGreaterThan(all.MigrateLambdaFunction!.Properties.Timeout);
    expect(migration.Properties.ServiceTimeout).toBeGreaterThan(trigger.Timeout);
    // Outside the VPC: CloudFormation's pre-signed response URL is on S3, which the VPC has no route to.
    expect(trigger.VpcConfig).toBeUndefined();
    // It may invoke migrate and nothing else.
    const statements = all.SchemaMigrationRole!.Properties.Policies[0].PolicyDocument.Statement as Array<{
      Action: string[];
      Resource: unknown;
    }>;
    expect(statements.find((s) => s.Action.includes('lambda:InvokeFunction'))).toEqual({
      Effect: 'Allow',
      Action: ['lambda:InvokeFunction'],
      Resource: { 'Fn::GetAtt': ['MigrateLambdaFunction', 'Arn'] },
    });
    // A first deploy waits for a database that takes connections.
    expect(migration.DependsOn).toEqual(['DatabaseWriter', 'DatabaseProxyTargetGroup']);
  });

  it('gives no function new code before the migrations succeed: every function but migrate depends on them', () => {
    const functions = byType(resources, 'AWS::Lambda::Function').map(([id, r]) => [id, r] as const);
    const application = functions.filter(
      ([id]) => !['MigrateLambdaFunction', 'SchemaMigrationFunction', 'DeployTimeFunction'].includes(id),
    );
    // incidents (issue 27) is the 36th, drFailback (issue 26) the 37th.
    expect(application.length).toBe(37);
    for (const [id, r] of application)
      expect([(r as { DependsOn?: string[] }).DependsOn ?? []].flat(), id).toContain('SchemaMigration');
    // So no alias (and no route) moves to a version before then: each alias's version is of such a function.
    for (const fn of Object.keys(requestPath))
      expect(resources[aliasId(fn)]!.Properties.FunctionName).toEqual({ Ref: fnId(fn) });
    expect([resources.MigrateLambdaFunction!.DependsOn ?? []].flat()).not.toContain('SchemaMigration');
  });
});
