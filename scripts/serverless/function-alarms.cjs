// Serverless plugin: Errors alarms (critical, one a feature) and Throttles alarms (warning) covering every Lambda
// function in the compiled template, so no function, including one added later, can ship without them.
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
      .map(([logicalId, r]) => ({ logicalId, name: logicalId.replace(/LambdaFunction$/, ''), feature: featureOf(r) }));
    /** One metric-math alarm over a group's functions: breaching when any one of them reaches the threshold. */
    const groupAlarm = (id, alarmName, metric, group, threshold, topic) => {
      resources[id] = {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: `${service}-${stage}-${alarmName}`,
          AlarmDescription: `${metric} in any of: ${group.map((f) => f.name).join(', ')} (the graph shows which)`,
          Metrics: [
            ...group.map(({ logicalId, name }, j) => ({
              Id: `f${j}`,
              Label: name,
              ReturnData: false,
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/Lambda',
                  MetricName: metric,
                  Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId } }],
                },
                Period: period,
                Stat: 'Sum',
              },
            })),
            {
              Id: 'worst',
              Label: `most ${metric.toLowerCase()} of any one function`,
              Expression: 'MAX(FILL(METRICS(), 0))',
              ReturnData: true,
            },
          ],
          Threshold: threshold,
          ...common,
          AlarmActions: [{ Ref: topic }],
          OKActions: [{ Ref: topic }],
        },
      };
    };
    // Errors page (critical), an alarm a feature (functions/<feature>/): the page says which part of the service
    // fails, its graph which function. One alarm a function would be 38 resources where CloudFormation allows 500.
    const features = new Map();
    for (const f of functions) features.set(f.feature, [...(features.get(f.feature) ?? []), f]);
    for (const [feature, members] of features) {
      for (let i = 0; i < members.length; i += GROUP) {
        const part = members.length > GROUP ? `${i / GROUP + 1}` : '';
        const title = feature
          .split('-')
          .map((w) => w[0].toUpperCase() + w.slice(1))
          .join('');
        groupAlarm(
          `${title}${part}ErrorsAlarm`,
          `${feature}${part ? `-${part}` : ''}-Errors`,
          'Errors',
          members.slice(i, i + GROUP),
          errorsThreshold,
          settings.criticalTopic,
        );
      }
    }
    // Throttles warn, nine functions to an alarm.
    for (let i = 0; i < functions.length; i += GROUP) {
      const n = i / GROUP + 1;
      groupAlarm(
        `FunctionThrottles${n}Alarm`,
        `Throttles-${n}`,
        'Throttles',
        functions.slice(i, i + GROUP),
        throttlesThreshold,
        settings.warningTopic,
      );
    }
  }
}

/** The feature a function belongs to: its handler's folder (functions/<feature>/…); the inline ones are the platform's. */
function featureOf(resource) {
  const handler = resource.Properties?.Handler ?? '';
  return /^functions\/([a-z-]+)\//.exec(handler)?.[1] ?? 'platform';
}

/** Functions an alarm watches: nine metrics and the expression, inside CloudWatch's ten queries an alarm. */
const GROUP = 9;

module.exports = FunctionAlarms;
