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
let resources: Record<string, Resource>;
beforeAll(async () => {
  prod = await packageService('prod', 'eu-west-2');
  dev = await packageService('dev', 'eu-west-2');
  resources = prod.template.Resources;
}, 1_200_000);
afterAll(() => {
  discard(prod);
  discard(dev);
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
      expect(alarmIds).toEqual([
        `${upper(fn)}RollbackErrorsAlarm`,
        `${upper(fn)}RollbackThrottlesAlarm`,
        `${upper(fn)}RollbackDurationAlarm`,
        ...(routes.length > 1
          ? routes.map((_, i) => `${upper(fn)}RollbackApi5xx${i + 1}Alarm`)
          : [`${upper(fn)}RollbackApi5xxAlarm`]),
      ]);
      const alarms = alarmIds.map((id) => resources[id]!);
      for (const alarm of alarms) {
        expect(alarm.Type).toBe('AWS::CloudWatch::Alarm');
        expect(alarm.Properties).toMatchObject({
          Period: 60,
          EvaluationPeriods: 1,
          ComparisonOperator: 'GreaterThanThreshold',
          AlarmActions: [{ Ref: 'WarningAlarmsTopic' }],
        });
      }
      const [errors, throttles, duration, ...api] = alarms.map((a) => a.Properties);
      const version = resources[aliasId(fn)]!.Properties.FunctionVersion;
      const onAlias = [
        { Name: 'FunctionName', Value: { Ref: fnId(fn) } },
        { Name: 'Resource', Value: { 'Fn::Sub': `\${${fnId(fn)}}:Live` } },
      ];
      expect(errors).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Sum', Threshold: 0 });
      expect(errors!.Dimensions).toEqual([...onAlias, { Name: 'ExecutedVersion', Value: version }]);
      expect(throttles).toMatchObject({ MetricName: 'Throttles', Statistic: 'Sum', Threshold: 0, Dimensions: onAlias });
      expect(duration).toMatchObject({ MetricName: 'Duration', ExtendedStatistic: 'p95', Threshold: 2000 });
      expect(duration!.Dimensions).toEqual([...onAlias, { Name: 'ExecutedVersion', Value: version }]);
      for (const [i, a] of api.entries()) {
        const method = resources[routes[i]!]!.Properties;
        expect(a).toMatchObject({
          Namespace: 'AWS/ApiGateway',
          MetricName: '5XXError',
          Statistic: 'Sum',
          Threshold: 0,
        });
        expect(a.Dimensions).toEqual(
          expect.arrayContaining([
            { Name: 'ApiName', Value: 'prod-tyrehero-dispatch' },
            { Name: 'Stage', Value: 'prod' },
            { Name: 'Method', Value: method.HttpMethod },
          ]),
        );
      }
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
    expect(hook.Properties.Environment.Variables.HEALTH_FUNCTION_NAME).toBe('tyrehero-dispatch-prod-health');
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
