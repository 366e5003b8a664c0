// Serverless plugin: an Errors alarm (critical) and a Throttles alarm (warning) for every Lambda function in the
// compiled template, so no function, including one added later, can ship without them.
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
    const kinds = [
      {
        metric: 'Errors',
        threshold: positive(settings.errorsThreshold, 'errorsThreshold'),
        topic: settings.criticalTopic,
      },
      {
        metric: 'Throttles',
        threshold: positive(settings.throttlesThreshold, 'throttlesThreshold'),
        topic: settings.warningTopic,
      },
    ];
    const functions = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
    for (const [logicalId] of functions) {
      const name = logicalId.replace(/LambdaFunction$/, '');
      for (const kind of kinds) {
        resources[`${name}${kind.metric}Alarm`] = {
          Type: 'AWS::CloudWatch::Alarm',
          Properties: {
            AlarmName: `${service}-${stage}-${name}-${kind.metric}`,
            AlarmDescription: `${kind.metric} in the ${name} Lambda function`,
            Namespace: 'AWS/Lambda',
            MetricName: kind.metric,
            Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId } }],
            Statistic: 'Sum',
            Period: period,
            EvaluationPeriods: 1,
            ComparisonOperator: 'GreaterThanOrEqualToThreshold',
            Threshold: kind.threshold,
            TreatMissingData: 'notBreaching',
            AlarmActions: [{ Ref: kind.topic }],
            OKActions: [{ Ref: kind.topic }],
          },
        };
      }
    }
  }
}

module.exports = FunctionAlarms;
