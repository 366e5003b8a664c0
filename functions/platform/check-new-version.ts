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
  /**
   * The intake function, probed with a synthetic emergency on the test fleet (X-Synthetic-Test with a drama-range
   * number: dispatched to test technicians only, every message recorded, none sent), which must be stored and answered
   * 201 or 202 with its id and tracking token; it is then cancelled through the live cancel route, as a customer would.
   */
  intake?: { functionName: string; cancelFunctionName: string };
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

/** Where the synthetic emergency breaks down: Luton, where the DR drill's test technician waits. */
const probePoint = { lat: 51.8793, lon: -0.4175 };

/** A drama-range number (Ofcom: never a subscriber), spread over the range by deployment, so the per-phone limit never bites. */
function probePhone(deploymentId: string): string {
  let hash = 0;
  for (const c of deploymentId) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return `07700 900${String(100 + (hash % 800)).padStart(3, '0')}`;
}

function apiEvent(
  method: string,
  path: string,
  resource: string,
  headers: Record<string, string>,
  body: string | null,
  extra: Record<string, unknown>,
) {
  return {
    httpMethod: method,
    path,
    resource,
    headers: { 'user-agent': 'tyrehero-pre-traffic', ...headers },
    multiValueHeaders: {},
    body,
    isBase64Encoded: false,
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    ...extra,
  } as unknown as APIGatewayProxyEvent;
}

/** The synthetic intake the intake function's new version must store and answer. */
export function syntheticIntakeProbe(deploymentId: string, idempotencyKey: string): APIGatewayProxyEvent {
  const body = {
    customer: { name: 'Pre-traffic Check', phone: probePhone(deploymentId) },
    location: probePoint,
    vehicle: { makeModel: 'Pre-traffic Check', registration: 'PR3 TRF' },
    issue: 'puncture',
    safety: { onMotorway: false, vulnerableOccupants: false },
    notes: `Pre-traffic check of deployment ${deploymentId}: synthetic, cancelled straight away`,
  };
  return apiEvent(
    'POST',
    '/emergencies',
    '/emergencies',
    { 'content-type': 'application/json', 'idempotency-key': idempotencyKey, 'x-synthetic-test': 'true' },
    JSON.stringify(body),
    {
      requestContext: {
        requestId: `pre-traffic-${deploymentId}`,
        httpMethod: 'POST',
        path: '/emergencies',
        identity: { sourceIp: '127.0.0.1' },
      },
    },
  );
}

function parsedBody(payload: unknown): Record<string, unknown> {
  try {
    const body = (payload as { body?: unknown } | null)?.body;
    return typeof body === 'string' ? (JSON.parse(body) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Synthetic intake through the new version, then its clean-up through the live cancel route. */
async function checkIntake(
  deps: CheckNewVersionDeps & { intake: NonNullable<CheckNewVersionDeps['intake']> },
  target: { functionName: string; targetVersion: string },
  deploymentId: string,
  idempotencyKey: string,
): Promise<HookStatus> {
  const answer = await deps.versions.invoke(
    target.functionName,
    target.targetVersion,
    syntheticIntakeProbe(deploymentId, idempotencyKey),
  );
  const code = statusOf(answer.payload);
  const body = parsedBody(answer.payload);
  const stored =
    !answer.functionError &&
    (code === 201 || code === 202) &&
    typeof body.id === 'string' &&
    typeof body.trackingToken === 'string';
  const outcome = {
    ...target,
    expected: '201 or 202 with id and trackingToken',
    statusCode: code,
    reference: body.reference,
    functionError: answer.functionError,
  };
  if (!stored) {
    deps.log.warn('new version did not take the synthetic emergency: rolling back', outcome);
    return 'Failed';
  }
  deps.log.info('new version took the synthetic emergency', outcome);
  // Clean-up, not part of the verdict: the live cancel route closes the synthetic request so no test technician keeps it.
  try {
    const id = body.id as string;
    const cancelled = await deps.versions.invoke(
      deps.intake.cancelFunctionName,
      'Live',
      apiEvent(
        'POST',
        `/emergencies/${id}/cancel`,
        '/emergencies/{id}/cancel',
        { 'x-tracking-token': body.trackingToken as string },
        null,
        {
          pathParameters: { id },
          requestContext: {
            requestId: `pre-traffic-cancel-${deploymentId}`,
            httpMethod: 'POST',
            path: `/emergencies/${id}/cancel`,
          },
        },
      ),
    );
    const cancelCode = statusOf(cancelled.payload);
    if (cancelCode === 200) deps.log.info('synthetic emergency cancelled', { id });
    else
      deps.log.warn('synthetic emergency not cancelled: redispatch keeps offering it to the test fleet', {
        id,
        statusCode: cancelCode,
      });
  } catch (error) {
    deps.log.warn('synthetic emergency not cancelled', { error: (error as Error).message });
  }
  return 'Succeeded';
}

function statusOf(payload: unknown): number | undefined {
  const status = (payload as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

export async function checkNewVersion(deps: CheckNewVersionDeps, hook: HookEvent): Promise<HookStatus> {
  let status: HookStatus = 'Failed';
  try {
    const target = await deps.deployments.targetOf(hook.DeploymentId);
    if (deps.intake && target.functionName === deps.intake.functionName) {
      status = await checkIntake(
        { ...deps, intake: deps.intake },
        target,
        hook.DeploymentId,
        hook.LifecycleEventHookExecutionId,
      );
      await deps.deployments.report(hook.DeploymentId, hook.LifecycleEventHookExecutionId, status);
      return status;
    }
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
