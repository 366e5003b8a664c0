import {
  CodeDeployClient,
  GetDeploymentCommand,
  PutLifecycleEventHookExecutionStatusCommand,
} from '@aws-sdk/client-codedeploy';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { CodeDeployHooks } from '#shared/adapters/codedeploy/deployment-hooks.js';
import { LambdaVersionInvoker } from '#shared/adapters/lambda/version-invoker.js';
import { makeHandler } from '#functions/platform/pre-traffic.js';

const codedeploy = mockClient(CodeDeployClient);
const lambda = mockClient(LambdaClient);
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const handler = makeHandler({
  deployments: new CodeDeployHooks(new CodeDeployClient({ region: 'eu-west-2' })),
  versions: new LambdaVersionInvoker(new LambdaClient({ region: 'eu-west-2' })),
  healthFunctionName: 'tyrehero-dispatch-prod-health',
  log: quiet,
});
const hook = { DeploymentId: 'd-ABC123', LifecycleEventHookExecutionId: 'hook-execution-1' };

function deploying(functionName: string, targetVersion = '7') {
  const appSpec = {
    version: 0.0,
    Resources: [
      {
        target: {
          Type: 'AWS::Lambda::Function',
          Properties: { Name: functionName, Alias: 'Live', CurrentVersion: '6', TargetVersion: targetVersion },
        },
      },
    ],
  };
  codedeploy.on(GetDeploymentCommand).resolves({
    deploymentInfo: {
      revision: { revisionType: 'AppSpecContent', appSpecContent: { content: JSON.stringify(appSpec) } },
    },
  });
}
const answers = (payload: unknown, functionError?: string) =>
  lambda.on(InvokeCommand).resolves({
    StatusCode: 200,
    FunctionError: functionError,
    Payload: Buffer.from(JSON.stringify(payload)) as never,
  });
const invokedEvent = () =>
  JSON.parse(Buffer.from(lambda.commandCalls(InvokeCommand)[0]!.args[0].input.Payload as Uint8Array).toString());
const reported = () => codedeploy.commandCalls(PutLifecycleEventHookExecutionStatusCommand).map((c) => c.args[0].input);

describe('pre-traffic hook', () => {
  beforeEach(() => {
    codedeploy.reset();
    lambda.reset();
    codedeploy.on(PutLifecycleEventHookExecutionStatusCommand).resolves({});
  });

  it('sends the new version a malformed, unauthenticated request and reports Succeeded on a 4xx', async () => {
    deploying('tyrehero-dispatch-prod-createEmergency');
    answers({ statusCode: 400, body: '{"title":"Malformed JSON"}' });
    await expect(handler(hook)).resolves.toEqual({ status: 'Succeeded' });
    expect(codedeploy.commandCalls(GetDeploymentCommand).map((c) => c.args[0].input)).toEqual([
      { deploymentId: 'd-ABC123' },
    ]);
    const invoke = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(invoke).toHaveLength(1);
    expect(invoke[0]).toMatchObject({
      FunctionName: 'tyrehero-dispatch-prod-createEmergency',
      Qualifier: '7',
      InvocationType: 'RequestResponse',
    });
    expect(invokedEvent()).toMatchObject({
      httpMethod: 'POST',
      body: '{',
      headers: { 'content-type': 'application/json' },
    });
    expect(invokedEvent().headers).not.toHaveProperty('authorization');
    expect(reported()).toEqual([
      { deploymentId: 'd-ABC123', lifecycleEventHookExecutionId: 'hook-execution-1', status: 'Succeeded' },
    ]);
  });

  it('probes the health function with GET /health and wants 200', async () => {
    deploying('tyrehero-dispatch-prod-health', '12');
    answers({ statusCode: 200, body: '{"status":"ok"}' });
    await expect(handler(hook)).resolves.toEqual({ status: 'Succeeded' });
    expect(lambda.commandCalls(InvokeCommand)[0]!.args[0].input).toMatchObject({ Qualifier: '12' });
    expect(invokedEvent()).toMatchObject({ httpMethod: 'GET', path: '/health', body: null });
  });

  it.each([
    ['a 5xx', { statusCode: 500, body: '{}' }, undefined],
    ['a 200 to a malformed request', { statusCode: 200, body: '{}' }, undefined],
    ['a crash', { errorMessage: 'boom', errorType: 'TypeError' }, 'Unhandled'],
  ])('reports Failed on %s', async (_, payload, functionError) => {
    deploying('tyrehero-dispatch-prod-acceptJob');
    answers(payload, functionError);
    await expect(handler(hook)).resolves.toEqual({ status: 'Failed' });
    expect(reported()).toEqual([
      { deploymentId: 'd-ABC123', lifecycleEventHookExecutionId: 'hook-execution-1', status: 'Failed' },
    ]);
  });

  it('reports Failed when the health function answers 503', async () => {
    deploying('tyrehero-dispatch-prod-health');
    answers({ statusCode: 503, body: '{"status":"down"}' });
    await expect(handler(hook)).resolves.toEqual({ status: 'Failed' });
  });

  it('still reports Failed when the deployment cannot be read, so CodeDeploy does not wait out the hour', async () => {
    codedeploy.on(GetDeploymentCommand).rejects(new Error('AccessDenied'));
    await expect(handler(hook)).resolves.toEqual({ status: 'Failed' });
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(reported()).toEqual([
      { deploymentId: 'd-ABC123', lifecycleEventHookExecutionId: 'hook-execution-1', status: 'Failed' },
    ]);
  });
});

describe('pre-traffic hook on the intake function: a synthetic emergency on the test fleet', () => {
  const withIntake = makeHandler({
    deployments: new CodeDeployHooks(new CodeDeployClient({ region: 'eu-west-2' })),
    versions: new LambdaVersionInvoker(new LambdaClient({ region: 'eu-west-2' })),
    healthFunctionName: 'tyrehero-dispatch-prod-health',
    intake: {
      functionName: 'tyrehero-dispatch-prod-createEmergency',
      cancelFunctionName: 'tyrehero-dispatch-prod-cancelEmergency',
    },
    log: quiet,
  });
  const invocations = () =>
    lambda.commandCalls(InvokeCommand).map((c) => ({
      ...c.args[0].input,
      Payload: JSON.parse(Buffer.from(c.args[0].input.Payload as Uint8Array).toString()) as Record<string, unknown>,
    }));
  beforeEach(() => {
    codedeploy.reset();
    lambda.reset();
    codedeploy.on(PutLifecycleEventHookExecutionStatusCommand).resolves({});
  });

  it('has the new version store a synthetic emergency, then cancels it through the live cancel route', async () => {
    deploying('tyrehero-dispatch-prod-createEmergency');
    lambda.on(InvokeCommand, { FunctionName: 'tyrehero-dispatch-prod-createEmergency' }).resolves({
      StatusCode: 200,
      Payload: Buffer.from(
        JSON.stringify({
          statusCode: 201,
          body: JSON.stringify({
            id: 'e-1',
            reference: 'TH-PRETRF',
            trackingToken: 't'.repeat(32),
            status: 'assigned',
          }),
        }),
      ) as never,
    });
    lambda
      .on(InvokeCommand, { FunctionName: 'tyrehero-dispatch-prod-cancelEmergency' })
      .resolves({ StatusCode: 200, Payload: Buffer.from(JSON.stringify({ statusCode: 200, body: '{}' })) as never });
    await expect(withIntake(hook)).resolves.toEqual({ status: 'Succeeded' });
    const [intake, cancel] = invocations();
    expect(intake).toMatchObject({ FunctionName: 'tyrehero-dispatch-prod-createEmergency', Qualifier: '7' });
    expect(intake!.Payload).toMatchObject({
      httpMethod: 'POST',
      resource: '/emergencies',
      headers: { 'x-synthetic-test': 'true', 'idempotency-key': 'hook-execution-1' },
    });
    const body = JSON.parse(intake!.Payload.body as string) as { customer: { phone: string }; location: unknown };
    // A drama-range number: never a subscriber, so nothing can reach anyone even if a guard failed.
    expect(body.customer.phone).toMatch(/^07700 900[1-8]\d\d$/);
    expect(body.location).toEqual({ lat: 51.8793, lon: -0.4175 });
    expect(cancel).toMatchObject({ FunctionName: 'tyrehero-dispatch-prod-cancelEmergency', Qualifier: 'Live' });
    expect(cancel!.Payload).toMatchObject({
      pathParameters: { id: 'e-1' },
      headers: { 'x-tracking-token': 't'.repeat(32) },
    });
    expect(reported()).toEqual([
      { deploymentId: 'd-ABC123', lifecycleEventHookExecutionId: 'hook-execution-1', status: 'Succeeded' },
    ]);
  });

  it.each([
    ['a 500', { statusCode: 500, body: '{"title":"Internal Server Error"}' }],
    ['a 201 with no tracking token', { statusCode: 201, body: '{"id":"e-1"}' }],
    ['a 400 (the synthetic emergency refused)', { statusCode: 400, body: '{}' }],
  ])('fails the deployment on %s, and cancels nothing', async (_, payload) => {
    deploying('tyrehero-dispatch-prod-createEmergency');
    answers(payload);
    await expect(withIntake(hook)).resolves.toEqual({ status: 'Failed' });
    expect(invocations().map((i) => i.FunctionName)).toEqual(['tyrehero-dispatch-prod-createEmergency']);
    expect(reported()[0]).toMatchObject({ status: 'Failed' });
  });
});
