// The single middy chain for HTTP routes: Powertools context, problem+json errors, idempotency, JSON parsing, zod validation.
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type * as z from 'zod';
import { Unavailable, ValidationError, type FieldProblem } from '#shared/domain/errors.js';
import { isActive, type RegionRole } from '#shared/ports/active-region.js';
import { logger } from '#shared/powertools/logger.js';
import { metrics } from '#shared/powertools/metrics.js';
import { bodyTooLarge, malformedJson, missingBody, unsupportedMediaType } from './errors.js';
import { checkIdempotencyKey } from './idempotency.js';
import { problemContentType, toProblem } from './problem.js';
import { corsHeaders, finish, type HttpResult } from './response.js';
import { requireRole, type Principal, type Role } from '#shared/domain/principal.js';
import type { TokenVerifier } from './auth.js';

export interface HttpSettings {
  maxBodyBytes: number;
  corsAllowedOrigins: readonly string[];
  /**
   * Which region serves: where given, a request reaching a standby region is refused with 503 and Retry-After before
   * anything is read or written, so a failover never leaves a half-done write behind (docs/operations.md).
   */
  regionRole?: RegionRole;
}

export interface RouteSpec<B extends z.ZodType | undefined, P extends z.ZodType | undefined> {
  http: HttpSettings;
  /** Routes for signed-in staff: the token is verified and the role checked before anything else. */
  auth?: { verifier: TokenVerifier; role: Role };
  body?: B;
  params?: P;
  /** The route takes an Idempotency-Key header (1..255 characters); replaying with it is the use case's job. */
  idempotencyKey?: true;
}

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteInput<B, P> {
  body: B;
  params: P;
  /** Present on routes with `auth`. */
  principal: Principal | undefined;
  headers: Record<string, string | undefined>;
  event: APIGatewayProxyEvent;
  context: Context;
}

export type HttpHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** zod issues → field-level problems a person can act on. */
export function fieldProblems(issues: readonly z.core.$ZodIssue[], prefix: string): FieldProblem[] {
  return issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }));
}

function validate<S extends z.ZodType>(schema: S, value: unknown, prefix: string, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = fieldProblems(result.error.issues, prefix);
  throw new ValidationError(
    `The ${what} is invalid: ${fields.map((f) => `${f.field || what}: ${f.message}`).join('; ')}.`,
    fields,
  );
}

function parseJsonBody(event: APIGatewayProxyEvent, maxBodyBytes: number): unknown {
  if (event.body === null || event.body === undefined || event.body === '') throw missingBody();
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (raw.byteLength > maxBodyBytes) throw bodyTooLarge(maxBodyBytes);
  const contentType = event.headers['content-type'];
  // Exactly the media type the OpenAPI document declares (parameters such as charset allowed), not any +json type.
  if (!contentType || !/^application\/json\s*(;|$)/i.test(contentType)) throw unsupportedMediaType(contentType);
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (error) {
    // Node quotes the start of the body in its message: keep the reason and position, never the caller's text.
    throw malformedJson((error as Error).message.replace(/,? ?".*" is not valid JSON$/s, ' (not valid JSON)'));
  }
}

/** Thrown before a standby region's route does anything: 503, Retry-After, and where to go. */
export async function refuseInStandby(role: RegionRole): Promise<void> {
  if (await isActive(role)) return;
  throw new Unavailable(
    `This region (${role.region}) is on standby; ${await role.activeRegion()} serves now. Retry in a few seconds: the service name moves there within a minute.`,
  );
}

export function httpRoute<B extends z.ZodType | undefined = undefined, P extends z.ZodType | undefined = undefined>(
  spec: RouteSpec<B, P>,
  fn: (input: RouteInput<Parsed<B>, Parsed<P>>) => Promise<HttpResult>,
): HttpHandler {
  const cors = (event: APIGatewayProxyEvent) => corsHeaders(spec.http.corsAllowedOrigins, event.headers?.origin);

  const core = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    if (spec.http.regionRole) await refuseInStandby(spec.http.regionRole);
    const principal = spec.auth ? await spec.auth.verifier.verify(event.headers.authorization) : undefined;
    if (spec.auth && principal) requireRole(principal, spec.auth.role);
    const body = (
      spec.body ? validate(spec.body, parseJsonBody(event, spec.http.maxBodyBytes), '', 'request body') : undefined
    ) as Parsed<B>;
    const params = (
      spec.params ? validate(spec.params, event.pathParameters ?? {}, '', 'path') : undefined
    ) as Parsed<P>;
    const result = await fn({ body, params, principal, headers: event.headers, event, context });
    return finish(result, cors(event));
  };

  const chain = middy<APIGatewayProxyEvent, APIGatewayProxyResult>(core)
    // No Powertools Tracer: X-Ray stays on at the platform level (provider.tracing); docs/performance.md says why.
    .use(injectLambdaContext(logger, { resetKeys: true }))
    // The API Gateway request id (also in every problem+json body) ties a response to its logs. Set directly: a
    // correlationIdPath needs a JMESPath search function the logger was never given, so it logged none, and would
    // put the JMESPath engine into every route's bundle.
    .use({
      before: (request) => {
        const requestId = request.event.requestContext?.requestId;
        if (requestId) logger.setCorrelationId(requestId);
      },
    })
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use({
      onError: (request) => {
        const problem = toProblem(request.error, request.event?.requestContext?.requestId);
        if (problem.unexpected) logger.error('request failed', { error: request.error as Error });
        else logger.info('request refused', { status: problem.status, reason: (request.error as Error).message });
        request.response = finish(problem, cors(request.event), problemContentType);
      },
    })
    .use(httpHeaderNormalizer());

  // Before parsing: an unusable key is refused whatever the body.
  if (spec.idempotencyKey) chain.use(checkIdempotencyKey());
  return chain;
}
