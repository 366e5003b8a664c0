// Serverless plugin: an Errors alarm (critical) for every Lambda function in the compiled template, and Throttles
// alarms (warning) covering every one of them, so no function, including one added later, can ship without them.
'use strict';

class FunctionAlarms {
  constructor(serverless) {
    this.serverless = serverless;
    // After resources/ are merged (the custom-resource function in resources/deploy-time.cjs is a function too), before
    // the template is written.
    this.hooks = { 'after:aws:package:finalize:mergeCustomProviderResources': () => this.apply() };
  }

  apply() {
    const settings = this.serverless.service.custom?.functionAlarms;
    if (!settings) return;
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    // The topics come from resources/sns.yml, merged into the template after this hook: referenced by logical id.
    for (const topic of ['criticalTopic', 'warningTopic']) {
      if (typeof settings[topic] !== 'string' || !settings[topic])
        throw new Error(`function-alarms: ${topic} must name a topic resource`);
    }
    const positive = (value, name) => {
      const n = Number(value);
      if (!Number.isFinite(n) || n <= 0)
        throw new Error(`function-alarms: ${name} must be a positive number, got ${value}`);
      return n;
    };
    const service = this.serverless.service.service;
    const stage = this.serverless.service.provider.stage;
    const period = positive(settings.periodSeconds ?? 300, 'periodSeconds');
    const errorsThreshold = positive(settings.errorsThreshold, 'errorsThreshold');
    const throttlesThreshold = positive(settings.throttlesThreshold, 'throttlesThreshold');
    const common = {
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    };
    const functions = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(([logicalId]) => ({ logicalId, name: logicalId.replace(/LambdaFunction$/, '') }));
    // Errors page (critical), one alarm a function: the alarm's name says which function fails.
    for (const { logicalId, name } of functions) {
      resources[`${name}ErrorsAlarm`] = {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: `${service}-${stage}-${name}-Errors`,
          AlarmDescription: `Errors in the ${name} Lambda function`,
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId } }],
          Statistic: 'Sum',
          Period: period,
          Threshold: errorsThreshold,
          ...common,
          AlarmActions: [{ Ref: settings.criticalTopic }],
          OKActions: [{ Ref: settings.criticalTopic }],
        },
      };
    }
    // Throttles warn, a few functions to an alarm: a metric-math alarm over each function's throttles (CloudWatch
    // takes at most 10 queries an alarm), breaching when any one of them reaches the threshold; its graph shows which.
    // One alarm a function would be 30-odd more resources, and the template must stay under CloudFormation's 500.
    for (let i = 0; i < functions.length; i += THROTTLE_GROUP) {
      const group = functions.slice(i, i + THROTTLE_GROUP);
      const n = i / THROTTLE_GROUP + 1;
      resources[`FunctionThrottles${n}Alarm`] = {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: `${service}-${stage}-Throttles-${n}`,
          AlarmDescription: `Throttles in any of: ${group.map((f) => f.name).join(', ')}`,
          Metrics: [
            ...group.map(({ logicalId, name }, j) => ({
              Id: `t${j}`,
              Label: name,
              ReturnData: false,
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/Lambda',
                  MetricName: 'Throttles',
                  Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId } }],
                },
                Period: period,
                Stat: 'Sum',
              },
            })),
            {
              Id: 'worst',
              Label: 'most throttles of any one function',
              Expression: `MAX(FILL(METRICS(), 0))`,
              ReturnData: true,
            },
          ],
          Threshold: throttlesThreshold,
          ...common,
          AlarmActions: [{ Ref: settings.warningTopic }],
          OKActions: [{ Ref: settings.warningTopic }],
        },
      };
    }
  }
}

/** Functions a throttles alarm watches: nine metrics and the expression, inside CloudWatch's ten queries an alarm. */
const THROTTLE_GROUP = 9;

module.exports = FunctionAlarms;
