// SDK clients fail fast when their service cannot be reached, and say which service it was.
import net from 'node:net';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { KMSClient, DescribeKeyCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoClient } from '#shared/adapters/dynamodb/client.js';
import { isUnreachable, namingUnreachable, sdkClientOptions } from '#shared/adapters/sdk-client-options.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
let silent: net.Server;
let silentUrl: string;
const held: net.Socket[] = [];

beforeAll(async () => {
  // Accepts every connection and never answers: what a stalled service looks like from the client.
  silent = net.createServer((socket) => void held.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentUrl = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of held) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

const failureOf = async (call: Promise<unknown>): Promise<Error & { code?: string }> => {
  try {
    await call;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('the call succeeded');
};

describe('sdkClientOptions', () => {
  it('makes DynamoDB give up on a server that never answers with a TimeoutError naming the service and operation', async () => {
    const client = makeDynamoClient({ region: 'eu-west-2', dynamodb: { endpoint: silentUrl } });
    const error = await failureOf(client.send(new ListTablesCommand({})));
    expect(error.name).toBe('TimeoutError');
    expect(error.message).toMatch(/^DynamoDB ListTables unreachable: .*exceeded the configured 2000 ms requestTimeout/);
    // Resolved by the handler on the first request: the connection timeout too, and throwing rather than only warning.
    const handler = client.config.requestHandler as unknown as { httpHandlerConfigs(): Record<string, unknown> };
    expect(handler.httpHandlerConfigs()).toMatchObject({
      connectionTimeout: 1_000,
      requestTimeout: 2_000,
      throwOnRequestTimeout: true,
    });
    client.destroy();
  });

  it('names the service when nothing listens on its port', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const kms = namingUnreachable(
      new KMSClient({
        region: 'eu-west-2',
        endpoint: `http://127.0.0.1:${port}`,
        credentials,
        maxAttempts: 1,
        ...sdkClientOptions(),
      }),
    );
    const error = await failureOf(kms.send(new DescribeKeyCommand({ KeyId: 'alias/phones' })));
    expect(isUnreachable(error)).toBe(true);
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.message).toMatch(/^KMS DescribeKey unreachable: /);
    kms.destroy();
  });

  it('gives up connecting to an address that never completes a connection', async () => {
    // TEST-NET-1 (RFC 5737) is never routed: a network with a default route drops the SYN (the connection timeout
    // fires); one without refuses at once (ENETUNREACH). Either way the call is unreachable and says so.
    const kms = namingUnreachable(
      new KMSClient({
        region: 'eu-west-2',
        endpoint: 'http://192.0.2.1:80',
        credentials,
        maxAttempts: 1,
        ...sdkClientOptions(),
      }),
    );
    const error = await failureOf(kms.send(new DescribeKeyCommand({ KeyId: 'alias/phones' })));
    expect(isUnreachable(error)).toBe(true);
    expect(error.message).toMatch(/^KMS DescribeKey unreachable: /);
    if (error.name === 'TimeoutError')
      expect(error.message).toMatch(
        /did not establish a connection with the server within the configured timeout of 1000 ms/,
      );
    kms.destroy();
  });

  it('leaves errors from a service that answered as they were', () => {
    expect(isUnreachable(Object.assign(new Error('no such table'), { name: 'ResourceNotFoundException' }))).toBe(false);
    expect(isUnreachable(Object.assign(new Error('timed out'), { name: 'TimeoutError' }))).toBe(true);
  });
});
