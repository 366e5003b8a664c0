// Serverless plugin: `sls deploy` also deploys the outage alarm on this region's Route 53 health check. Route 53
// publishes HealthCheckStatus in us-east-1 only, so the alarm is its own small stack there
// (resources/us-east-1/health-alarm.yml, `<service>-<stage>-<region>-health`), created or updated after this stack,
// with this stack's ApiHealthCheckId output. Its topic invokes the incidents function that opens a P1
// (functions/incidents): the other region's in a pair, which survives this one, or this region's own on a single-region
// stage. No deploy by hand, and no alarm that can drift from the health check it watches.
//
// Skipped where the stack has no health check output (the local stage) or with --param="edgeHealthAlarm=false".
'use strict';

const {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
} = require('@aws-sdk/client-cloudformation');
const { readFileSync } = require('node:fs');
const { setTimeout } = require('node:timers');
const path = require('node:path');

const EDGE_REGION = 'us-east-1';
const TEMPLATE = path.join(__dirname, '..', '..', 'resources', 'us-east-1', 'health-alarm.yml');
const DONE = /_COMPLETE$/;
const FAILED = /(FAILED|ROLLBACK_COMPLETE|ROLLBACK_FAILED)$/;

/** Pure: the edge stack's name and parameters for a region of a stage (tests/unit/edge-health-alarm.test.ts). */
function edgeStack({ service, stage, region, accountId, partition = 'aws', pairing, healthCheckId, onCall }) {
  // In a pair the survivor must hear that this region is down: the other region's incidents function opens the P1.
  const incidentsRegion =
    pairing && pairing.role !== 'single'
      ? region === pairing.primaryRegion
        ? pairing.secondaryRegion
        : pairing.primaryRegion
      : region;
  return {
    StackName: `${service}-${stage}-${region}-health`,
    Parameters: [
      ['Stage', stage],
      ['ApiRegion', region],
      ['HealthCheckId', healthCheckId],
      ['OnCallEmail', onCall.email ?? ''],
      ['OnCallPhone', onCall.phone ?? ''],
      ['IncidentWebhookUrl', onCall.webhookUrl ?? ''],
      [
        'IncidentFunctionArn',
        `arn:${partition}:lambda:${incidentsRegion}:${accountId}:function:${service}-${stage}-incidents`,
      ],
    ].map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
  };
}

/**
 * Creates or updates the edge stack and waits until CloudFormation has finished with it. "No updates are to be
 * performed" is success; a failed or rolled-back stack throws, so the deploy fails and says so.
 */
async function deployEdgeStack(
  cloudformation,
  stack,
  { templateBody, wait = (ms) => new Promise((r) => setTimeout(r, ms)), pollMs = 5000, timeoutMs = 15 * 60_000 },
) {
  const exists = await cloudformation
    .send(new DescribeStacksCommand({ StackName: stack.StackName }))
    .then((r) => (r.Stacks ?? []).some((s) => s.StackStatus !== 'DELETE_COMPLETE'))
    .catch((error) => {
      if (/does not exist/.test(String(error && error.message))) return false;
      throw error;
    });
  const request = {
    ...stack,
    TemplateBody: templateBody,
    Tags: [{ Key: 'managed-by', Value: 'sls deploy (scripts/serverless/edge-health-alarm.cjs)' }],
  };
  try {
    await cloudformation.send(exists ? new UpdateStackCommand(request) : new CreateStackCommand(request));
  } catch (error) {
    if (exists && /No updates are to be performed/.test(String(error && error.message))) return 'unchanged';
    throw error;
  }
  for (let waited = 0; waited <= timeoutMs; waited += pollMs) {
    const { Stacks = [] } = await cloudformation.send(new DescribeStacksCommand({ StackName: stack.StackName }));
    const status = Stacks[0] && Stacks[0].StackStatus;
    if (status && FAILED.test(status))
      throw new Error(
        `${stack.StackName} in ${EDGE_REGION} ended ${status}: ${Stacks[0].StackStatusReason ?? 'see its events'}`,
      );
    if (status && DONE.test(status)) return exists ? 'updated' : 'created';
    await wait(pollMs);
  }
  throw new Error(`${stack.StackName} in ${EDGE_REGION} did not finish within ${timeoutMs / 60_000} minutes`);
}

class EdgeHealthAlarm {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'after:deploy:deploy': () => this.deploy() };
  }

  async deploy() {
    const { serverless } = this;
    const service = serverless.service.service;
    const { stage, region } = serverless.service.provider;
    const custom = serverless.service.custom ?? {};
    const settings = custom.edgeHealthAlarm ?? {};
    if (String(settings.enabled) === 'false') return;
    const provider = serverless.getProvider('aws');
    const stackName = provider.naming.getStackName();
    const { Stacks = [] } = await provider.request('CloudFormation', 'describeStacks', { StackName: stackName });
    const outputs = Object.fromEntries((Stacks[0]?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
    if (!outputs.ApiHealthCheckId) return;
    const { accountId, partition } = await provider.getAccountInfo();
    const stack = edgeStack({
      service,
      stage,
      region,
      accountId,
      partition,
      pairing: custom.pairing,
      healthCheckId: outputs.ApiHealthCheckId,
      onCall: { email: settings.onCallEmail, phone: settings.onCallPhone, webhookUrl: settings.incidentWebhookUrl },
    });
    const { credentials } = provider.getCredentials();
    const cloudformation = new CloudFormationClient({
      region: EDGE_REGION,
      ...(credentials && credentials.accessKeyId
        ? {
            credentials: {
              accessKeyId: credentials.accessKeyId,
              secretAccessKey: credentials.secretAccessKey,
              sessionToken: credentials.sessionToken,
            },
          }
        : {}),
    });
    serverless.cli.log(
      `Outage alarm: ${stack.StackName} in ${EDGE_REGION} (Route 53 health check ${outputs.ApiHealthCheckId})`,
    );
    const outcome = await deployEdgeStack(cloudformation, stack, { templateBody: readFileSync(TEMPLATE, 'utf8') });
    serverless.cli.log(`Outage alarm: ${outcome}`);
  }
}

module.exports = EdgeHealthAlarm;
module.exports.edgeStack = edgeStack;
module.exports.deployEdgeStack = deployEdgeStack;
