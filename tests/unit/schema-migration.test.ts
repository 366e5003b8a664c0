// Schema before code: the Custom::SchemaMigration handler (resources/schema-migration/handler.cjs, inlined) and its
// template fragment. CloudFormation's side is a real local HTTP receiver (the pre-signed response URL); Lambda, a
// control plane with no local engine, is stubbed and the exact Invoke asserted.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as lambdaSdk from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

type Event = Record<string, unknown>;
const require = createRequire(import.meta.url);
const { makeHandler } = require('../../resources/schema-migration/handler.cjs') as {
  makeHandler: (lambda?: () => unknown) => (event: Event) => Promise<void>;
};
const { schemaMigrationResources, migrationsHash } = require('../../resources/schema-migration.cjs') as {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation properties are arbitrary JSON
  schemaMigrationResources: (o: Record<string, unknown>) => { Resources: Record<string, any> };
  migrationsHash: (dir: string) => string;
};
const { dependOnMigration } = require('../../scripts/serverless/schema-first.cjs') as {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation resources are arbitrary JSON
  dependOnMigration: (resources: Record<string, any>, ids: string[]) => string[];
};

let server: Server;
let base: string;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- what the handler sent CloudFormation, as JSON
const responses: Array<Record<string, any>> = [];
const read = async (request: IncomingMessage) => {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text;
};
beforeAll(async () => {
  server = createServer((request, response) => {
    void read(request).then((text) => {
      if (request.method === 'PUT') responses.push(JSON.parse(text) as Record<string, unknown>);
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const lambda = mockClient(lambdaSdk.LambdaClient);
const handler = makeHandler(() => ({ sdk: lambdaSdk, client: new lambdaSdk.LambdaClient({ region: 'eu-west-2' }) }));
beforeEach(() => {
  responses.length = 0;
  lambda.reset();
});
const event = (request = 'Update'): Event => ({
  RequestType: request,
  ResourceType: 'Custom::SchemaMigration',
  ResponseURL: `${base}/response?signed=1`,
  StackId: 'arn:aws:cloudformation:eu-west-2:123456789012:stack/tyrehero-dispatch-prod/x',
  RequestId: 'req-1',
  LogicalResourceId: 'SchemaMigration',
  PhysicalResourceId: 'schema-migrations',
  ResourceProperties: { ServiceToken: 'arn', FunctionName: 'tyrehero-dispatch-prod-migrate', MigrationsHash: 'abc' },
});
const payload = (value: unknown) => Buffer.from(JSON.stringify(value)) as never;

describe('Custom::SchemaMigration', () => {
  it('invokes migrate synchronously and tells CloudFormation what it applied', async () => {
    lambda
      .on(lambdaSdk.InvokeCommand)
      .resolves({ StatusCode: 200, Payload: payload({ applied: ['0017_x'], schemaAhead: [], phonesSealed: 0 }) });
    await handler(event());
    expect(lambda.calls().map((c) => c.args[0].input)).toEqual([
      {
        FunctionName: 'tyrehero-dispatch-prod-migrate',
        Payload: JSON.stringify({ source: 'deploy', migrations: 'abc' }),
      },
    ]);
    expect(responses).toEqual([
      {
        Status: 'SUCCESS',
        Reason: 'applied 1: 0017_x',
        PhysicalResourceId: 'schema-migrations',
        StackId: expect.stringContaining('stack/'),
        RequestId: 'req-1',
        LogicalResourceId: 'SchemaMigration',
        Data: { Applied: '1' },
      },
    ]);
  });

  it('fails the deploy, with migrate’s own error, when a migration fails: no function gets the new code', async () => {
    lambda.on(lambdaSdk.InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: payload({ errorType: 'error', errorMessage: 'column "eta_source" already exists' }),
    });
    await handler(event('Create'));
    expect(responses).toHaveLength(1);
    expect(responses[0]).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringContaining('migrate failed: {"errorType":"error","errorMessage":"column \\"eta_source\\"'),
      PhysicalResourceId: 'schema-migrations',
    });
  });

  it('fails the deploy when migrate cannot even be invoked', async () => {
    lambda
      .on(lambdaSdk.InvokeCommand)
      .rejects(new lambdaSdk.TooManyRequestsException({ message: 'Rate exceeded', $metadata: {}, Type: 'x' }));
    await handler(event());
    expect(responses[0]).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining('Rate exceeded') });
  });

  it('succeeds on a rollback, where the previous release finds the schema ahead of it and applies nothing', async () => {
    lambda
      .on(lambdaSdk.InvokeCommand)
      .resolves({ StatusCode: 200, Payload: payload({ applied: [], schemaAhead: ['0017_x'], phonesSealed: 0 }) });
    await handler(event());
    expect(responses[0]).toMatchObject({
      Status: 'SUCCESS',
      Reason: 'schema ahead of this release (0017_x): nothing applied',
    });
  });

  it('leaves the schema alone when the stack is deleted', async () => {
    await handler(event('Delete'));
    expect(lambda.calls()).toHaveLength(0);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'schema-migrations' });
  });
});

describe('the template fragment', () => {
  const options = {
    service: 'tyrehero-dispatch',
    stage: 'prod',
    rolePrefix: 'tyrehero-dispatch-prod-eu-west-2',
    logRetentionDays: 30,
    code: 'exports.handler = async () => {};',
    hash: 'h',
  };

  it('is absent from a pair’s secondary and present elsewhere', () => {
    expect(schemaMigrationResources({ ...options, role: 'secondary' }).Resources).toEqual({});
    for (const role of ['single', 'primary'])
      expect(Object.keys(schemaMigrationResources({ ...options, role }).Resources).sort()).toEqual([
        'SchemaMigration',
        'SchemaMigrationFunction',
        'SchemaMigrationLogGroup',
        'SchemaMigrationRole',
      ]);
  });

  it('refuses handler code longer than CloudFormation inlines', () => {
    expect(() => schemaMigrationResources({ ...options, role: 'single', code: 'x'.repeat(4097) })).toThrow(
      /inline code may be 4096/,
    );
  });

  it('changes the hash, and so runs again, when a migration is added or edited, and only then', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'migrations-'));
    try {
      writeFileSync(path.join(dir, '0001_a.sql'), 'CREATE TABLE a ();');
      writeFileSync(path.join(dir, 'README.md'), 'not a migration');
      const first = migrationsHash(dir);
      writeFileSync(path.join(dir, 'README.md'), 'still not a migration');
      expect(migrationsHash(dir)).toBe(first);
      writeFileSync(path.join(dir, '0002_b.sql'), 'CREATE TABLE b ();');
      const second = migrationsHash(dir);
      expect(second).not.toBe(first);
      writeFileSync(path.join(dir, '0002_b.sql'), 'CREATE TABLE b (id int);');
      expect(migrationsHash(dir)).not.toBe(second);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('schema-first: functions wait for the migrations', () => {
  it('adds the dependency once, keeping what each function depended on', () => {
    const resources = {
      SchemaMigration: { Type: 'Custom::SchemaMigration' },
      AFunction: { Type: 'AWS::Lambda::Function', DependsOn: ['ALogGroup'] },
      BFunction: { Type: 'AWS::Lambda::Function', DependsOn: 'BLogGroup' },
      CFunction: { Type: 'AWS::Lambda::Function' },
    };
    expect(dependOnMigration(resources, ['AFunction', 'BFunction', 'CFunction'])).toHaveLength(3);
    dependOnMigration(resources, ['AFunction']);
    expect(resources.AFunction.DependsOn).toEqual(['ALogGroup', 'SchemaMigration']);
    expect(resources.BFunction.DependsOn).toEqual(['BLogGroup', 'SchemaMigration']);
    expect((resources.CFunction as { DependsOn?: unknown }).DependsOn).toEqual(['SchemaMigration']);
  });

  it('does nothing where the stack does not migrate (a pair’s secondary)', () => {
    const resources = { AFunction: { Type: 'AWS::Lambda::Function' } };
    expect(dependOnMigration(resources, ['AFunction'])).toEqual([]);
    expect((resources.AFunction as { DependsOn?: unknown }).DependsOn).toBeUndefined();
  });

  it('refuses to treat something else as a function', () => {
    expect(() => dependOnMigration({ SchemaMigration: {}, Topic: { Type: 'AWS::SNS::Topic' } }, ['Topic'])).toThrow(
      /not a function/,
    );
  });
});
