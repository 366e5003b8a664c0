// Before CodeDeploy moves any traffic to a function's new version, that version answers one harmless request the way
// the live one would; CodeDeploy is told Succeeded or Failed, and rolls the deployment back on Failed.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { DeploymentHooks, HookStatus, VersionInvoker } from '#shared/ports/deployments.js';
import type { Log } from '#shared/ports/logger.js';

export interface CheckNewVersionDeps {
  deployments: DeploymentHooks;
  versions: VersionInvoker;
  /** The health function's name: the one route probed with a real read (GET /health must answer 200). */
  healthFunctionName: string;
  log: Log;
}

export interface HookEvent {
  DeploymentId: string;
  LifecycleEventHookExecutionId: string;
}

/**
 * The probe and the answer it must get. Every other route gets a request with a body that is not JSON and no
 * credentials: the route chain refuses it (400 malformed, 401 no token, 415, 422 missing path) before any use case
 * runs, so nothing is stored and nothing is sent, and a version that crashes, times out or answers 5xx fails.
 */
export function probeFor(
  functionName: string,
  healthFunctionName: string,
  requestId: string,
): { event: APIGatewayProxyEvent; accepts: (status: number) => boolean; expected: string } {
  const health = functionName === healthFunctionName;
  const event = {
    httpMethod: health ? 'GET' : 'POST',
    path: health ? '/health' : '/pre-traffic-probe',
    resource: health ? '/health' : '/pre-traffic-probe',
    headers: health
      ? { 'user-agent': 'tyrehero-pre-traffic' }
      : { 'content-type': 'application/json', 'user-agent': 'tyrehero-pre-traffic' },
    multiValueHeaders: {},
    body: health ? null : '{',
    isBase64Encoded: false,
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: { requestId, httpMethod: health ? 'GET' : 'POST', path: '/pre-traffic-probe' },
  } as unknown as APIGatewayProxyEvent;
  return health
    ? { event, accepts: (status) => status === 200, expected: '200' }
    : { event, accepts: (status) => status >= 400 && status < 500, expected: '4xx' };
}

function statusOf(payload: unknown): number | undefined {
  const status = (payload as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

export async function checkNewVersion(deps: CheckNewVersionDeps, hook: HookEvent): Promise<HookStatus> {
  let status: HookStatus = 'Failed';
  try {
    const target = await deps.deployments.targetOf(hook.DeploymentId);
    const probe = probeFor(target.functionName, deps.healthFunctionName, `pre-traffic-${hook.DeploymentId}`);
    const answer = await deps.versions.invoke(target.functionName, target.targetVersion, probe.event);
    const code = statusOf(answer.payload);
    status = !answer.functionError && code !== undefined && probe.accepts(code) ? 'Succeeded' : 'Failed';
    const outcome = { ...target, expected: probe.expected, statusCode: code, functionError: answer.functionError };
    if (status === 'Succeeded') deps.log.info('new version answered as expected', outcome);
    else deps.log.warn('new version answered wrongly: rolling back', outcome);
  } catch (error) {
    deps.log.warn('pre-traffic check could not run: rolling back', { error: (error as Error).message });
  }
  // Always report: CodeDeploy would otherwise wait out the hook's hour before rolling back.
  await deps.deployments.report(hook.DeploymentId, hook.LifecycleEventHookExecutionId, status);
  return status;
}
