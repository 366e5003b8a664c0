import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../scripts/local/engines.js';

const require = createRequire(import.meta.url);
const { edgeStack, deployEdgeStack } = require('../../scripts/serverless/edge-health-alarm.cjs') as {
  edgeStack: (input: Record<string, unknown>) => {
    StackName: string;
    Parameters: Array<{ ParameterKey: string; ParameterValue: string }>;
  };
  deployEdgeStack: (client: CloudFormationClient, stack: unknown, options: Record<string, unknown>) => Promise<string>;
};

const pair = { role: 'primary', primaryRegion: 'eu-west-2', secondaryRegion: 'eu-west-1' };
const base = {
  service: 'tyrehero-dispatch',
  stage: 'prod',
  accountId: '123456789012',
  healthCheckId: '0b5c7f3e-1111-2222-3333-444455556666',
  onCall: { email: 'oncall@tyrehero.co.uk' },
};
const parameters = (stack: ReturnType<typeof edgeStack>) =>
  Object.fromEntries(stack.Parameters.map((p) => [p.ParameterKey, p.ParameterValue]));

describe('the us-east-1 outage alarm that sls deploy deploys (scripts/serverless/edge-health-alarm.cjs)', () => {
  it("sends a region's outage to the other region's incidents function in a pair (the survivor), and to its own alone", () => {
    const primary = edgeStack({ ...base, region: 'eu-west-2', pairing: pair });
    expect(primary.StackName).toBe('tyrehero-dispatch-prod-eu-west-2-health');
    expect(parameters(primary)).toEqual({
      Stage: 'prod',
      ApiRegion: 'eu-west-2',
      HealthCheckId: '0b5c7f3e-1111-2222-3333-444455556666',
      OnCallEmail: 'oncall@tyrehero.co.uk',
      OnCallPhone: '',
      IncidentWebhookUrl: '',
      IncidentFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:tyrehero-dispatch-prod-incidents',
    });
    expect(
      parameters(edgeStack({ ...base, region: 'eu-west-1', pairing: { ...pair, role: 'secondary' } }))
        .IncidentFunctionArn,
    ).toBe('arn:aws:lambda:eu-west-2:123456789012:function:tyrehero-dispatch-prod-incidents');
    expect(
      parameters(edgeStack({ ...base, stage: 'staging', region: 'eu-west-2', pairing: { role: 'single' } }))
        .IncidentFunctionArn,
    ).toBe('arn:aws:lambda:eu-west-2:123456789012:function:tyrehero-dispatch-staging-incidents');
    // Every parameter the template declares is given, and nothing else.
    const template = readFileSync(path.join(projectRoot, 'resources/us-east-1/health-alarm.yml'), 'utf8');
    const declared = [
      ...template
        .split('Parameters:')[1]!
        .split('Conditions:')[0]!
        .matchAll(/^ {2}(\w+):/gm),
    ].map((m) => m[1]);
    expect(Object.keys(parameters(primary)).sort()).toEqual(declared.sort());
  });

  const cloudformation = mockClient(CloudFormationClient);
  afterEach(() => cloudformation.reset());
  const stack = edgeStack({ ...base, region: 'eu-west-2', pairing: pair });
  const options = { templateBody: 'Resources: {}', wait: () => Promise.resolve(), pollMs: 1 };

  it('creates the stack the first time and waits for CREATE_COMPLETE', async () => {
    cloudformation
      .on(DescribeStacksCommand)
      .rejectsOnce(new Error('Stack with id tyrehero-dispatch-prod-eu-west-2-health does not exist'))
      .resolvesOnce({
        Stacks: [{ StackName: stack.StackName, StackStatus: 'CREATE_IN_PROGRESS', CreationTime: new Date() }],
      })
      .resolves({ Stacks: [{ StackName: stack.StackName, StackStatus: 'CREATE_COMPLETE', CreationTime: new Date() }] });
    cloudformation
      .on(CreateStackCommand)
      .resolves({ StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/x/1' });
    expect(await deployEdgeStack(new CloudFormationClient({ region: 'us-east-1' }), stack, options)).toBe('created');
    expect(cloudformation.commandCalls(CreateStackCommand).map((c) => c.args[0].input)).toEqual([
      {
        ...stack,
        TemplateBody: 'Resources: {}',
        Tags: [{ Key: 'managed-by', Value: 'sls deploy (scripts/serverless/edge-health-alarm.cjs)' }],
      },
    ]);
    expect(cloudformation.commandCalls(UpdateStackCommand)).toHaveLength(0);
  });

  it('updates it on every redeploy, and "no updates" is success', async () => {
    cloudformation
      .on(DescribeStacksCommand)
      .resolves({ Stacks: [{ StackName: stack.StackName, StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date() }] });
    cloudformation.on(UpdateStackCommand).rejects(new Error('No updates are to be performed.'));
    expect(await deployEdgeStack(new CloudFormationClient({ region: 'us-east-1' }), stack, options)).toBe('unchanged');
    expect(cloudformation.commandCalls(UpdateStackCommand)[0]!.args[0].input.StackName).toBe(
      'tyrehero-dispatch-prod-eu-west-2-health',
    );
  });

  it('fails the deploy, naming the stack and its reason, when the stack rolls back', async () => {
    cloudformation
      .on(DescribeStacksCommand)
      .resolvesOnce({
        Stacks: [{ StackName: stack.StackName, StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date() }],
      })
      .resolves({
        Stacks: [
          {
            StackName: stack.StackName,
            StackStatus: 'UPDATE_ROLLBACK_COMPLETE',
            StackStatusReason: 'HealthAlarmIncidents: Invalid parameter: Endpoint',
            CreationTime: new Date(),
          },
        ],
      });
    cloudformation.on(UpdateStackCommand).resolves({});
    await expect(deployEdgeStack(new CloudFormationClient({ region: 'us-east-1' }), stack, options)).rejects.toThrow(
      'tyrehero-dispatch-prod-eu-west-2-health in us-east-1 ended UPDATE_ROLLBACK_COMPLETE: HealthAlarmIncidents: Invalid parameter: Endpoint',
    );
  });
});
