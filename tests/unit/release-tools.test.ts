// The release tools an operator runs at 3 a.m. (scripts/release/): rollback with its dry run, the post-deploy
// verification, and the release record. CloudFormation, CodeDeploy, Lambda and SSM are control planes with no local
// engine: stubbed, and the exact commands asserted. The stage's API is a real local HTTP server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as cfn from '@aws-sdk/client-cloudformation';
import * as codedeploy from '@aws-sdk/client-codedeploy';
import * as lambdaSdk from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { describePlan, executeRollback, planRollback } from '../../scripts/release/rollback.js';
import { stageDrill, verifyRelease } from '../../scripts/release/verify.js';
import { buildRecord, markdown } from '../../scripts/release/record.js';

const cloudFormation = mockClient(cfn.CloudFormationClient);
const codeDeploy = mockClient(codedeploy.CodeDeployClient);
const lambda = mockClient(lambdaSdk.LambdaClient);
const clients = {
  cloudFormation: new cfn.CloudFormationClient({ region: 'eu-west-2' }),
  codeDeploy: new codedeploy.CodeDeployClient({ region: 'eu-west-2' }),
  lambda: new lambdaSdk.LambdaClient({ region: 'eu-west-2' }),
};
beforeEach(() => {
  cloudFormation.reset();
  codeDeploy.reset();
  lambda.reset();
});
const sent = (mock: { calls(): Array<{ args: [{ constructor: { name: string }; input: unknown }] }> }) =>
  mock.calls().map((c) => [c.args[0].constructor.name, c.args[0].input]);

const stack = 'tyrehero-dispatch-prod';
const fn = (name: string) => `${stack}-${name}`;
const aliasArn = (name: string) => `arn:aws:lambda:eu-west-2:123456789012:function:${fn(name)}:Live`;
const appSpec = (current: string, target: string) =>
  JSON.stringify({
    version: 0,
    Resources: [
      {
        f: {
          Type: 'AWS::Lambda::Function',
          Properties: { Name: 'f', Alias: 'Live', CurrentVersion: current, TargetVersion: target },
        },
      },
    ],
  });

function stageWith(aliases: Record<string, { version: string; weights?: Record<string, number> }>) {
  cloudFormation.on(cfn.ListStackResourcesCommand).resolves({
    StackResourceSummaries: Object.keys(aliases).flatMap((name) => {
      const id = `${name[0]!.toUpperCase()}${name.slice(1)}LambdaFunction`;
      return [
        {
          LogicalResourceId: `${id}AliasLive`,
          PhysicalResourceId: aliasArn(name),
          ResourceType: 'AWS::Lambda::Alias',
          ResourceStatus: 'UPDATE_COMPLETE',
          LastUpdatedTimestamp: new Date(),
        },
        {
          LogicalResourceId: `${id}DeploymentGroup`,
          PhysicalResourceId: `${stack}-${id}DeploymentGroup`,
          ResourceType: 'AWS::CodeDeploy::DeploymentGroup',
          ResourceStatus: 'UPDATE_COMPLETE',
          LastUpdatedTimestamp: new Date(),
        },
      ];
    }),
  });
  for (const [name, a] of Object.entries(aliases))
    lambda.on(lambdaSdk.GetAliasCommand, { FunctionName: fn(name), Name: 'Live' }).resolves({
      FunctionVersion: a.version,
      ...(a.weights ? { RoutingConfig: { AdditionalVersionWeights: a.weights } } : {}),
    });
}

describe('npm run rollback', () => {
  it('plans each alias back to the version that was live before, from CodeDeploy’s record, not version order', async () => {
    stageWith({ createEmergency: { version: '9' } });
    codeDeploy
      .on(codedeploy.ListDeploymentsCommand, { includeOnlyStatuses: ['Created', 'Queued', 'InProgress', 'Ready'] })
      .resolves({ deployments: [] });
    codeDeploy
      .on(codedeploy.ListDeploymentsCommand, { includeOnlyStatuses: ['Succeeded'] })
      .resolves({ deployments: ['d-9'] });
    // Version 8 was published by a release whose canary failed: it was never live. 7 was.
    codeDeploy.on(codedeploy.GetDeploymentCommand, { deploymentId: 'd-9' }).resolves({
      deploymentInfo: { revision: { revisionType: 'AppSpecContent', appSpecContent: { content: appSpec('7', '9') } } },
    });
    const plan = await planRollback(clients, stack);
    expect(plan).toEqual({
      stackName: stack,
      stopDeployments: [],
      aliases: [{ functionName: fn('createEmergency'), alias: 'Live', from: '9', to: '7', source: 'codedeploy' }],
      refusals: [],
    });
    expect(sent(codeDeploy)).toEqual([
      [
        'ListDeploymentsCommand',
        { applicationName: stack, includeOnlyStatuses: ['Created', 'Queued', 'InProgress', 'Ready'] },
      ],
      [
        'ListDeploymentsCommand',
        {
          applicationName: stack,
          deploymentGroupName: `${stack}-CreateEmergencyLambdaFunctionDeploymentGroup`,
          includeOnlyStatuses: ['Succeeded'],
        },
      ],
      ['GetDeploymentCommand', { deploymentId: 'd-9' }],
    ]);
    // The dry run changes nothing.
    expect(sent(lambda).map(([name]) => name)).toEqual(['GetAliasCommand']);
    expect(describePlan(plan)).toEqual([`${fn('createEmergency')}:Live  version 9 → 7`]);
  });

  it('mid-shift, stops the deployment with its rollback and leaves the alias on the release that was live', async () => {
    stageWith({ getEmergency: { version: '4', weights: { '5': 0.1 } } });
    codeDeploy
      .on(codedeploy.ListDeploymentsCommand, { includeOnlyStatuses: ['Created', 'Queued', 'InProgress', 'Ready'] })
      .resolves({ deployments: ['d-live'] });
    const plan = await planRollback(clients, stack);
    expect(plan.stopDeployments).toEqual(['d-live']);
    expect(plan.aliases).toEqual([
      {
        functionName: fn('getEmergency'),
        alias: 'Live',
        from: '4',
        to: '4',
        shifting: { '5': 0.1 },
        source: 'stop-shift',
      },
    ]);
    codeDeploy.on(codedeploy.StopDeploymentCommand).resolves({ status: 'Succeeded' });
    lambda.on(lambdaSdk.UpdateAliasCommand).resolves({});
    await executeRollback(clients, plan);
    expect(sent(codeDeploy).at(-1)).toEqual([
      'StopDeploymentCommand',
      { deploymentId: 'd-live', autoRollbackEnabled: true },
    ]);
    expect(sent(lambda).at(-1)).toEqual([
      'UpdateAliasCommand',
      {
        FunctionName: fn('getEmergency'),
        Name: 'Live',
        FunctionVersion: '4',
        RoutingConfig: { AdditionalVersionWeights: {} },
      },
    ]);
  });

  it('falls back to the next older version when CodeDeploy has no record, and says so', async () => {
    stageWith({ health: { version: '3' } });
    codeDeploy.on(codedeploy.ListDeploymentsCommand).resolves({ deployments: [] });
    lambda
      .on(lambdaSdk.ListVersionsByFunctionCommand)
      .resolves({ Versions: [{ Version: '$LATEST' }, { Version: '1' }, { Version: '2' }, { Version: '3' }] });
    const plan = await planRollback(clients, stack);
    expect(plan.aliases[0]).toMatchObject({ from: '3', to: '2', source: 'version-order' });
    expect(describePlan(plan)[0]).toContain('no CodeDeploy record');
  });

  it('refuses the whole rollback when one function has nothing older: never half the stage on each release', async () => {
    stageWith({ health: { version: '1' }, getEmergency: { version: '6' } });
    codeDeploy.on(codedeploy.ListDeploymentsCommand).resolves({ deployments: [] });
    lambda
      .on(lambdaSdk.ListVersionsByFunctionCommand, { FunctionName: fn('health') })
      .resolves({ Versions: [{ Version: '1' }] });
    lambda
      .on(lambdaSdk.ListVersionsByFunctionCommand, { FunctionName: fn('getEmergency') })
      .resolves({ Versions: [{ Version: '5' }, { Version: '6' }] });
    const plan = await planRollback(clients, stack);
    expect(plan.refusals).toEqual([`${fn('health')}:Live serves version 1, and no older version exists`]);
    await expect(executeRollback(clients, plan)).rejects.toThrow(/rollback refused/);
    expect(sent(lambda).filter(([name]) => name === 'UpdateAliasCommand')).toEqual([]);
  });
});

describe('npm run verify', () => {
  let server: Server;
  let base: string;
  let healthStatus = 200;
  let opsStatus = 'healthy';
  beforeAll(async () => {
    server = createServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      if (request.url === '/prod/health')
        return response
          .writeHead(healthStatus)
          .end(JSON.stringify({ status: healthStatus === 200 ? 'ok' : 'standby' }));
      if (request.url === '/prod/ops/health' && request.headers.authorization === 'Bearer ops')
        return response.writeHead(200).end(
          JSON.stringify({
            status: opsStatus,
            checks: { postgres: { status: opsStatus === 'healthy' ? 'ok' : 'failing' } },
            dependencies: [],
          }),
        );
      response.writeHead(401).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prod`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    healthStatus = 200;
    opsStatus = 'healthy';
  });
  const drill = stageDrill('prod', 'eu-west-2', clients.lambda);
  const drillAnswers = (report: unknown) =>
    lambda
      .on(lambdaSdk.InvokeCommand)
      .resolves({ StatusCode: 200, Payload: Buffer.from(JSON.stringify(report)) as never });

  it('passes when /health, /ops/health and the synthetic job on the test fleet all pass', async () => {
    drillAnswers({ outcome: 'succeeded', elapsedSeconds: 4.2, result: { reference: 'TH-ABCDEF', failures: [] } });
    const results = await verifyRelease({ base, operationsToken: 'ops', fetch, drill });
    expect(results.map((r) => [r.call, r.outcome])).toEqual([
      ['GET /health', 'pass'],
      ['GET /ops/health', 'pass'],
      ['synthetic job end to end (drDrill, test fleet)', 'pass'],
    ]);
    expect(results[2]!.reason).toBe('TH-ABCDEF completed in 4.2 s');
    expect(sent(lambda)).toEqual([
      [
        'InvokeCommand',
        {
          FunctionName: 'tyrehero-dispatch-prod-drDrill',
          Payload: new TextEncoder().encode(JSON.stringify({ dryRun: false, operator: 'release-verification' })),
        },
      ],
    ]);
  });

  it('fails, saying which check and why: a standby region, an unhealthy stage, a drill that failed', async () => {
    healthStatus = 503;
    opsStatus = 'unhealthy';
    drillAnswers({ outcome: 'failed', error: 'not dispatched (no test technician free)' });
    const results = await verifyRelease({ base, operationsToken: 'ops', fetch, drill });
    expect(results.map((r) => r.outcome)).toEqual(['fail', 'fail', 'fail']);
    expect(results[0]!.reason).toBe('expected 200, got 503 (standby): Route 53 would send traffic away');
    expect(results[1]!.reason).toContain('unhealthy');
    expect(results[2]!.reason).toBe('failed: not dispatched (no test technician free)');
  });

  it('fails a check it could not run, rather than pass it: no token, or the drill itself erroring', async () => {
    lambda.on(lambdaSdk.InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: Buffer.from('{"errorMessage":"Task timed out"}') as never,
    });
    const results = await verifyRelease({ base, fetch, drill });
    expect(results[1]).toMatchObject({ outcome: 'skip' });
    expect(results[2]).toMatchObject({ outcome: 'fail', reason: expect.stringContaining('Task timed out') });
  });
});

describe('npm run release:record', () => {
  const input = {
    stage: 'prod',
    region: 'eu-west-2',
    since: new Date('2026-12-06T10:00:00Z'),
    pipelineOutcome: 'pass' as const,
    who: 'octocat',
    commit: 'abc123',
    ref: 'main',
    now: () => new Date('2026-12-06T10:09:00Z'),
  };

  it('records who, what, when, the outcome and how long the shift took', async () => {
    codeDeploy.on(codedeploy.ListDeploymentsCommand).resolves({ deployments: ['d-1', 'd-2'] });
    codeDeploy.on(codedeploy.BatchGetDeploymentsCommand).resolves({
      deploymentsInfo: [
        {
          deploymentId: 'd-1',
          deploymentGroupName: 'a',
          status: 'Succeeded',
          createTime: new Date('2026-12-06T10:02:00Z'),
          completeTime: new Date('2026-12-06T10:08:10Z'),
        },
        {
          deploymentId: 'd-2',
          deploymentGroupName: 'b',
          status: 'Succeeded',
          createTime: new Date('2026-12-06T10:02:05Z'),
          completeTime: new Date('2026-12-06T10:07:30Z'),
        },
      ],
    });
    const record = await buildRecord(clients.codeDeploy, input);
    expect(sent(codeDeploy)).toEqual([
      [
        'ListDeploymentsCommand',
        { applicationName: 'tyrehero-dispatch-prod', createTimeRange: { start: input.since }, nextToken: undefined },
      ],
      ['BatchGetDeploymentsCommand', { deploymentIds: ['d-1', 'd-2'] }],
    ]);
    expect(record).toEqual({
      stage: 'prod',
      region: 'eu-west-2',
      who: 'octocat',
      what: { commit: 'abc123', ref: 'main' },
      when: { started: '2026-12-06T10:00:00.000Z', recorded: '2026-12-06T10:09:00.000Z' },
      outcome: 'pass',
      reasons: [],
      shift: {
        deployments: [
          { id: 'd-1', group: 'a', status: 'Succeeded', seconds: 370 },
          { id: 'd-2', group: 'b', status: 'Succeeded', seconds: 325 },
        ],
        seconds: 370,
      },
    });
    expect(markdown(record)).toContain('| traffic shift | 370 s over 2 functions |');
  });

  it('records a rolled-back canary as a failed release, naming the function', async () => {
    codeDeploy.on(codedeploy.ListDeploymentsCommand).resolves({ deployments: ['d-1'] });
    codeDeploy.on(codedeploy.BatchGetDeploymentsCommand).resolves({
      deploymentsInfo: [
        {
          deploymentId: 'd-1',
          deploymentGroupName: 'createEmergency',
          status: 'Stopped',
          createTime: new Date('2026-12-06T10:02:00Z'),
          completeTime: new Date('2026-12-06T10:03:00Z'),
        },
      ],
    });
    const record = await buildRecord(clients.codeDeploy, input);
    expect(record.outcome).toBe('fail');
    expect(record.reasons).toEqual(['createEmergency: deployment d-1 Stopped']);
    expect(markdown(record)).toContain('### Release FAILED: prod (eu-west-2)');
  });
});
