// Serverless plugin: what serverless-plugin-canary-deployments leaves to us. For every function with deploymentSettings
// it writes the rollback alarm (one metric-math alarm over the new version's errors, the alias's throttles, the new
// version's p95 duration, and 5XXError on each of the function's API routes) and names it in the function's deploymentSettings.alarms, so the
// plugin puts them in the CodeDeploy deployment group's AlarmConfiguration; it gives the pre-traffic hook's own role
// exactly the deployments and versions it may touch; and it moves provisioned concurrency onto the deployment alias
// (deploymentSettings.provisionedConcurrency), so the alias API Gateway invokes is the one kept warm.
// Listed before serverless-plugin-canary-deployments: its hook on the same event runs after this one's first step.
'use strict';

class CanaryRollback {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      // Only what CodeDeploy shifts needs a published version (provider.versionFunctions is off): every other function
      // runs $LATEST, and a version resource each would take the template past CloudFormation's 500.
      'before:package:compileFunctions': () => this.versionGradualFunctions(),
      'after:aws:package:finalize:mergeCustomProviderResources': () => this.addAlarmsAndHookRights(),
      // After the canary plugin has written the aliases, before the template is saved.
      'before:aws:package:finalize:saveServiceState': () => this.configureAliases(),
    };
  }

  get template() {
    return this.serverless.service.provider.compiledCloudFormationTemplate;
  }

  canaryFunctions() {
    const service = this.serverless.service;
    return service
      .getAllFunctions()
      .filter((name) => service.getFunction(name).deploymentSettings)
      .map((name) => {
        const fn = service.getFunction(name);
        const settings = { ...(service.custom?.deploymentSettings ?? {}), ...fn.deploymentSettings };
        const logicalId = this.serverless.getProvider('aws').naming.getLambdaLogicalId(name);
        return { name, fn, settings, logicalId };
      });
  }

  versionGradualFunctions() {
    for (const { fn } of this.canaryFunctions()) fn.versionFunction = true;
  }

  versionOf(logicalId) {
    const entry = Object.entries(this.template.Resources).find(
      ([, r]) => r.Type === 'AWS::Lambda::Version' && r.Properties?.FunctionName?.Ref === logicalId,
    );
    if (!entry)
      throw new Error(`canary-rollback: ${logicalId} has no published version (versionFunctions must stay on)`);
    return entry[0];
  }

  addAlarmsAndHookRights() {
    const functions = this.canaryFunctions();
    if (!functions.length) return;
    const settings = this.serverless.service.custom?.canaryRollback ?? {};
    const positive = (value, name) => {
      const n = Number(value);
      if (!Number.isFinite(n) || n <= 0)
        throw new Error(`canary-rollback: ${name} must be a positive number, got ${value}`);
      return n;
    };
    const period = positive(settings.periodSeconds ?? 60, 'periodSeconds');
    const durationP95Ms = positive(settings.durationP95MsAbove, 'durationP95MsAbove');
    const service = this.serverless.service.service;
    const stage = this.serverless.service.provider.stage;
    const resources = this.template.Resources;
    if (typeof settings.topic !== 'string' || !settings.topic)
      throw new Error('canary-rollback: topic must name the topic resource a rollback is reported to');
    // A rollback is worth knowing about, not a page: the live version keeps serving.
    const topic = [{ Ref: settings.topic }];
    const base = {
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: topic,
      OKActions: topic,
    };

    for (const { name, fn, settings: deployment, logicalId } of functions) {
      if (!deployment.alias) throw new Error(`canary-rollback: ${name} has deploymentSettings without an alias`);
      const alias = { Name: 'Resource', Value: { 'Fn::Sub': `\${${logicalId}}:${deployment.alias}` } };
      const functionName = { Name: 'FunctionName', Value: { Ref: logicalId } };
      const newVersion = { Name: 'ExecutedVersion', Value: { 'Fn::GetAtt': [this.versionOf(logicalId), 'Version'] } };
      // One alarm per function, on a metric-math expression over the four signals: any one of them breaching fires
      // it, and it alone rolls the release back. Four alarms a function would be 60 more resources than this, and the
      // prod template must stay under CloudFormation's 500 (tests/package/template-quotas.test.ts).
      const metric = (Id, Label, Namespace, MetricName, Dimensions, Stat) => ({
        Id,
        Label,
        ReturnData: false,
        MetricStat: { Metric: { Namespace, MetricName, Dimensions }, Period: period, Stat },
      });
      const signals = [
        metric(
          'errors',
          `${name} new version: errors`,
          'AWS/Lambda',
          'Errors',
          [functionName, alias, newVersion],
          'Sum',
        ),
        metric(
          'throttles',
          `${name} ${deployment.alias}: throttles`,
          'AWS/Lambda',
          'Throttles',
          [functionName, alias],
          'Sum',
        ),
        metric(
          'p95',
          `${name} new version: p95 duration (ms)`,
          'AWS/Lambda',
          'Duration',
          [functionName, alias, newVersion],
          'p95',
        ),
      ];
      // Per route: the stage has detailed metrics on (resources/apigateway.yml MethodSettings), so another route's
      // 5xx never rolls this function back.
      const routes = (fn.events ?? []).filter((e) => e.http).map((e) => e.http);
      routes.forEach((route, i) => {
        signals.push(
          metric(
            `api5xx${i + 1}`,
            `${route.method.toUpperCase()} /${route.path}: 5xx`,
            'AWS/ApiGateway',
            '5XXError',
            [
              { Name: 'ApiName', Value: `${stage}-${service}` },
              { Name: 'Stage', Value: stage },
              { Name: 'Resource', Value: `/${route.path}` },
              { Name: 'Method', Value: route.method.toUpperCase() },
            ],
            'Sum',
          ),
        );
      });
      // Each term counts a breach: an error, a throttle or a 5xx is one; a p95 over the target is one.
      const counts = signals.filter((m) => m.Id !== 'p95').map((m) => `FILL(${m.Id}, 0)`);
      const expression = [...counts, `IF(FILL(p95, 0) > ${durationP95Ms}, 1, 0)`].join(' + ');
      const id = `${logicalId.replace(/LambdaFunction$/, '')}RollbackAlarm`;
      resources[id] = {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: `${service}-${stage}-${name}-rollback`,
          AlarmDescription:
            `While traffic shifts to ${name}'s new version, any of: an error in it, a throttle on its ` +
            `${deployment.alias} alias, its p95 over the target (${durationP95Ms} ms), a 5xx on ` +
            `${routes.map((r) => `${r.method.toUpperCase()} /${r.path}`).join(' or ') || 'its routes'}: rolls the deployment back`,
          ...base,
          Metrics: [
            ...signals,
            { Id: 'breaches', Label: 'rollback signals breached', Expression: expression, ReturnData: true },
          ],
          ComparisonOperator: 'GreaterThanThreshold',
          Threshold: 0,
        },
      };
      const ids = [id];
      fn.deploymentSettings.alarms = [...(fn.deploymentSettings.alarms ?? []), ...ids];
    }
    this.grantHook(functions);
  }

  /** The pre-traffic hook may read and answer these deployments, and invoke these functions' versions, nothing else. */
  grantHook(functions) {
    const hooks = new Set(functions.map((f) => f.settings.preTrafficHook).filter(Boolean));
    if (hooks.size > 1) throw new Error('canary-rollback: one pre-traffic hook for every function, please');
    if (!hooks.size) return;
    const naming = this.serverless.getProvider('aws').naming;
    const hookId = naming.getLambdaLogicalId([...hooks][0]);
    const roleId = this.template.Resources[hookId]?.Properties?.Role?.['Fn::GetAtt']?.[0];
    const statements = this.template.Resources[roleId]?.Properties?.Policies?.[0]?.PolicyDocument?.Statement;
    if (!statements) throw new Error(`canary-rollback: the pre-traffic hook ${hookId} has no role of its own`);
    const stackName = naming.getStackName();
    // configureAliases names the application after the stack, so these ARNs are known before deploy.
    // The group names serverless-plugin-canary-deployments gives (getDeploymentGroupName).
    const groups = functions.map(({ logicalId }) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:codedeploy:\${AWS::Region}:\${AWS::AccountId}:deploymentgroup:${stackName}/${`${stackName}-${logicalId}DeploymentGroup`.slice(0, 100)}`,
    }));
    statements.push(
      {
        Effect: 'Allow',
        Action: ['codedeploy:GetDeployment', 'codedeploy:PutLifecycleEventHookExecutionStatus'],
        Resource: groups,
      },
      {
        Effect: 'Allow',
        Action: ['lambda:InvokeFunction'],
        Resource: functions.map(({ logicalId }) => ({ 'Fn::Sub': `\${${logicalId}.Arn}:*` })),
      },
    );
  }

  configureAliases() {
    const resources = this.template.Resources;
    this.customDeploymentConfig(resources);
    const naming = this.serverless.getProvider('aws').naming;
    const stackName = naming.getStackName();
    const app = resources[`${naming.normalizeNameToAlphaNumericOnly(stackName)}DeploymentApplication`];
    if (app) app.Properties.ApplicationName = stackName;
    for (const { name, fn, settings, logicalId } of this.canaryFunctions()) {
      const aliasId = `${logicalId}Alias${settings.alias}`;
      const alias = resources[aliasId];
      if (!alias) continue; // the canary plugin is off on this stage (custom.deploymentSettings.stages)
      // The alarms must watch the new version before CodeDeploy starts shifting traffic to it.
      alias.DependsOn = [...(fn.deploymentSettings.alarms ?? []).filter((a) => typeof a === 'string' && resources[a])];
      if (settings.provisionedConcurrency !== undefined) {
        if (fn.provisionedConcurrency)
          throw new Error(`canary-rollback: ${name} sets provisionedConcurrency too, which makes a second alias`);
        alias.Properties.ProvisionedConcurrencyConfig = {
          ProvisionedConcurrentExecutions: Number(settings.provisionedConcurrency),
        };
      }
    }
  }
}

/** The traffic shifts CodeDeploy predefines for Lambda (CodeDeployDefault.Lambda<name>). */
const PREDEFINED = new Set([
  'AllAtOnce',
  'Canary10Percent5Minutes',
  'Canary10Percent10Minutes',
  'Canary10Percent15Minutes',
  'Canary10Percent30Minutes',
  'Linear10PercentEvery1Minute',
  'Linear10PercentEvery2Minutes',
  'Linear10PercentEvery3Minutes',
  'Linear10PercentEvery10Minutes',
]);

/**
 * Pure: the AWS::CodeDeploy::DeploymentConfig a shift CodeDeploy does not predefine needs (staging's 2-minute canary,
 * the hotfix's 1-minute one), or undefined for a predefined one. Any other name is a mistake caught at packaging,
 * not a deploy refused by CodeDeploy (tests/unit/canary-config.test.ts).
 */
function deploymentConfigFor(type) {
  if (PREDEFINED.has(type)) return undefined;
  const percent = (n) => {
    const value = Number(n);
    if (value < 1 || value > 99) throw new Error(`canary-rollback: ${type}: a share of 1 to 99 percent, please`);
    return value;
  };
  const canary = /^Canary(\d+)Percent(\d+)Minutes?$/.exec(type);
  if (canary)
    return {
      Type: 'AWS::CodeDeploy::DeploymentConfig',
      Properties: {
        ComputePlatform: 'Lambda',
        TrafficRoutingConfig: {
          Type: 'TimeBasedCanary',
          TimeBasedCanary: { CanaryPercentage: percent(canary[1]), CanaryInterval: Number(canary[2]) },
        },
      },
    };
  const linear = /^Linear(\d+)PercentEvery(\d+)Minutes?$/.exec(type);
  if (linear)
    return {
      Type: 'AWS::CodeDeploy::DeploymentConfig',
      Properties: {
        ComputePlatform: 'Lambda',
        TrafficRoutingConfig: {
          Type: 'TimeBasedLinear',
          TimeBasedLinear: { LinearPercentage: percent(linear[1]), LinearInterval: Number(linear[2]) },
        },
      },
    };
  throw new Error(
    `canary-rollback: canaryType ${type} is neither predefined (${[...PREDEFINED].join(', ')}) nor Canary<N>Percent<M>Minutes or Linear<N>PercentEvery<M>Minutes`,
  );
}

CanaryRollback.prototype.customDeploymentConfig = function customDeploymentConfig(resources) {
  const groups = Object.values(resources).filter((r) => r.Type === 'AWS::CodeDeploy::DeploymentGroup');
  for (const group of groups) {
    const name = group.Properties.DeploymentConfigName?.['Fn::Sub']?.[1]?.ConfigName;
    if (typeof name !== 'string') continue;
    const config = deploymentConfigFor(name);
    if (!config) continue;
    resources.CanaryDeploymentConfig = config;
    // Ref gives the generated name: a changed shift replaces the config, and a replaced name can never collide.
    group.Properties.DeploymentConfigName = { Ref: 'CanaryDeploymentConfig' };
  }
};

module.exports = CanaryRollback;
module.exports.deploymentConfigFor = deploymentConfigFor;
