// The deploy-time custom resources (resources/deploy-time.cjs and its inline handler): CloudFormation's side is a real
// local HTTP receiver (the pre-signed response URL) and the pool's jwks.json a real local server; CloudWatch Logs, a
// control plane with no local engine, is stubbed and the exact commands asserted.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import * as logsSdk from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

type Event = Record<string, unknown>;
type Handler = (event: Event) => Promise<void>;
const require = createRequire(import.meta.url);
const { makeHandler } = require('../../resources/deploy-time/handler.cjs') as {
  makeHandler: (logs?: () => unknown) => Handler;
};
const { deployTimeResources } = require('../../resources/deploy-time.cjs') as {
  deployTimeResources: (o: Record<string, unknown>) => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation properties are arbitrary JSON
    Resources: Record<string, { Type: string; Properties: Record<string, any> }>;
  };
};

const keys = [
  {
    kid: 'k1',
    kty: 'RSA',
    alg: 'RS256',
    e: 'AQAB',
    n: 'sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1Wl',
    use: 'sig',
  },
];
let server: Server;
let base: string;
let jwksStatus = 200;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- what the handler sent CloudFormation, as JSON
const responses: Array<{ path: string; body: Record<string, any> }> = [];

const read = async (request: IncomingMessage) => {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text;
};

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/pool/.well-known/jwks.json') {
      response.writeHead(jwksStatus, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }, null, 2));
      return;
    }
    void read(request).then((text) => {
      if (request.method === 'PUT')
        responses.push({ path: request.url!, body: JSON.parse(text) as Record<string, unknown> });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  responses.length = 0;
  jwksStatus = 200;
});

const event = (type: string, props: Record<string, unknown>, request = 'Create'): Event => ({
  RequestType: request,
  ResourceType: type,
  ResponseURL: `${base}/response?signed=1`,
  StackId: 'arn:aws:cloudformation:eu-west-2:123456789012:stack/tyrehero-dispatch-prod/x',
  RequestId: 'req-1',
  LogicalResourceId: 'StaffJwks',
  ResourceProperties: { ServiceToken: 'arn', ...props },
});

describe('Custom::StaffJwks', () => {
  it('answers CloudFormation with the pool’s keys, minified for the functions’ environment', async () => {
    await makeHandler()(event('Custom::StaffJwks', { JwksUrl: `${base}/pool/.well-known/jwks.json` }));
    expect(responses).toEqual([
      {
        path: '/response?signed=1',
        body: {
          Status: 'SUCCESS',
          Reason: 'done',
          PhysicalResourceId: `${base}/pool/.well-known/jwks.json`,
          StackId: expect.stringContaining('stack/'),
          RequestId: 'req-1',
          LogicalResourceId: 'StaffJwks',
          Data: { Jwks: JSON.stringify({ keys }) },
        },
      },
    ]);
  });

  it('fails the deploy, saying why, when the keys cannot be read (rather than leave every staff route unverifiable)', async () => {
    jwksStatus = 503;
    await makeHandler()(event('Custom::StaffJwks', { JwksUrl: `${base}/pool/.well-known/jwks.json` }));
    expect(responses).toHaveLength(1);
    expect(responses[0]!.body).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining('answered 503') });
  });

  it('deletes nothing: the keys are public', async () => {
    await makeHandler()({ ...event('Custom::StaffJwks', {}, 'Delete'), PhysicalResourceId: 'keys' });
    expect(responses[0]!.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'keys' });
  });
});

describe('Custom::LogRetention', () => {
  const logs = mockClient(logsSdk.CloudWatchLogsClient);
  const handler = makeHandler(() => ({
    sdk: logsSdk,
    client: new logsSdk.CloudWatchLogsClient({ region: 'eu-west-2' }),
  }));
  const props = {
    LogGroupName: '/aws/rds/cluster/db-1/postgresql',
    RetentionInDays: '30',
    KmsKeyId: 'arn:aws:kms:eu-west-2:123456789012:key/k',
  };
  beforeEach(() => logs.reset());

  it('creates a missing group encrypted with the stack key, then sets its retention', async () => {
    await handler(event('Custom::LogRetention', props));
    expect(logs.calls().map((c) => [c.args[0].constructor.name, c.args[0].input])).toEqual([
      ['CreateLogGroupCommand', { logGroupName: props.LogGroupName, kmsKeyId: props.KmsKeyId }],
      ['PutRetentionPolicyCommand', { logGroupName: props.LogGroupName, retentionInDays: 30 }],
    ]);
    expect(responses[0]!.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: props.LogGroupName });
  });

  it('takes over a group the service already created: encrypts it and sets its retention', async () => {
    logs
      .on(logsSdk.CreateLogGroupCommand)
      .rejects(new logsSdk.ResourceAlreadyExistsException({ message: 'exists', $metadata: {} }));
    await handler(event('Custom::LogRetention', props, 'Update'));
    expect(logs.calls().map((c) => c.args[0].constructor.name)).toEqual([
      'CreateLogGroupCommand',
      'AssociateKmsKeyCommand',
      'PutRetentionPolicyCommand',
    ]);
    expect(logs.commandCalls(logsSdk.AssociateKmsKeyCommand)[0]!.args[0].input).toEqual({
      logGroupName: props.LogGroupName,
      kmsKeyId: props.KmsKeyId,
    });
    expect(responses[0]!.body.Status).toBe('SUCCESS');
  });

  it('fails the resource on any other error', async () => {
    logs.on(logsSdk.CreateLogGroupCommand).rejects(new Error('AccessDenied'));
    await handler(event('Custom::LogRetention', props));
    expect(responses[0]!.body).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining('AccessDenied') });
  });
});

describe('the deploy-time function in the template (resources/deploy-time.cjs)', () => {
  const settings = {
    service: 'tyrehero-dispatch',
    stage: 'prod',
    rolePrefix: 'tyrehero-dispatch-prod-eu-west-2',
    logRetentionDays: 30,
  };

  it('inlines the handler as it is on disk, within CloudFormation’s 4,096 characters', () => {
    const code = require('node:fs').readFileSync(
      require.resolve('../../resources/deploy-time/handler.cjs'),
      'utf8',
    ) as string;
    const { Resources } = deployTimeResources({ ...settings, code });
    expect(Resources.DeployTimeFunction!.Properties.Code).toEqual({ ZipFile: code });
    expect(code.length).toBeLessThanOrEqual(4096);
    expect(() => deployTimeResources({ ...settings, code: 'x'.repeat(4097) })).toThrow(/4096/);
  });

  it('may touch only its own log group and the AWS-created groups it keeps', () => {
    const { Resources } = deployTimeResources({ ...settings, code: '' });
    expect(Resources.DeployTimeFunction!.Properties).not.toHaveProperty('VpcConfig');
    const statements = Resources.DeployTimeRole!.Properties.Policies[0].PolicyDocument.Statement as Array<{
      Action: string[];
      Resource: unknown;
    }>;
    expect(statements.flatMap((s) => s.Action).sort()).toEqual([
      'logs:AssociateKmsKey',
      'logs:CreateLogGroup',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'logs:PutRetentionPolicy',
    ]);
    expect(JSON.stringify(statements)).not.toContain('"*"');
    expect(
      Object.values(Resources)
        .filter((r) => r.Type === 'Custom::LogRetention')
        .map((r) => r.Properties.LogGroupName),
    ).toEqual([
      { 'Fn::Sub': '/aws/rds/cluster/${DatabaseCluster}/postgresql' },
      '/aws/lambda/tyrehero-dispatch-prod-eu-west-2-rotate-owner',
      '/aws/lambda/tyrehero-dispatch-prod-eu-west-2-rotate-app',
    ]);
  });
});
