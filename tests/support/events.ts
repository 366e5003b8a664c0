// Builds API Gateway REST (v1) proxy events and Lambda contexts the way API Gateway sends them.
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { SkippedInStandby } from '#shared/powertools/scheduled-job.js';
import { assertMatchesContract } from './contract.js';

export interface EventOptions {
  method: string;
  path: string;
  resource?: string;
  pathParameters?: Record<string, string>;
  headers?: Record<string, string>;
  /** Objects are JSON-encoded; strings are sent as they are (for malformed-body tests). */
  body?: unknown;
}

export function apiEvent(options: EventOptions): APIGatewayProxyEvent {
  const headers: Record<string, string> = {
    Host: 'api.tyrehero.test',
    ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    ...options.headers,
  };
  const requestId = randomUUID();
  return {
    httpMethod: options.method,
    path: options.path,
    resource: options.resource ?? options.path,
    pathParameters: options.pathParameters ?? null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    body:
      options.body === undefined
        ? null
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
    isBase64Encoded: false,
    requestContext: {
      requestId,
      accountId: '123456789012',
      apiId: 'local',
      stage: 'test',
      httpMethod: options.method,
      path: options.path,
      resourcePath: options.resource ?? options.path,
      resourceId: 'res',
      protocol: 'HTTP/1.1',
      requestTimeEpoch: Date.now(),
      identity: { sourceIp: '203.0.113.10', userAgent: 'vitest' } as APIGatewayProxyEvent['requestContext']['identity'],
      authorizer: null,
    },
  };
}

export function lambdaContext(functionName = 'tyrehero-dispatch-test-fn', remainingMs = 10_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-2:123456789012:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface Response<T = Record<string, unknown>> {
  status: number;
  headers: Record<string, string>;
  body: T;
  raw: APIGatewayProxyResult;
}

export async function invoke<T = Record<string, unknown>>(
  handler: (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>,
  event: APIGatewayProxyEvent,
  context: Context = lambdaContext(),
): Promise<Response<T>> {
  const raw = await handler(event, context);
  // Every response a test receives must be one the OpenAPI document promises; a mismatch fails that test.
  assertMatchesContract({
    method: event.httpMethod,
    path: event.path,
    status: raw.statusCode,
    headers: raw.headers ?? {},
    body: raw.body ?? '',
  });
  return {
    status: raw.statusCode,
    headers: (raw.headers ?? {}) as Record<string, string>,
    body: (raw.body ? JSON.parse(raw.body) : undefined) as T,
    raw,
  };
}

/** The report of a scheduled writer that ran (not one skipped in a standby region): fails the test otherwise. */
export function ran<R extends object>(result: R | SkippedInStandby): R {
  if ('skipped' in result && result.skipped === 'standby')
    throw new Error(`expected the job to run, but it was skipped: ${JSON.stringify(result)}`);
  return result as R;
}
