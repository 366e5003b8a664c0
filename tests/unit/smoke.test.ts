import http from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exitCode, report, runSmoke, serviceEndpoint, type SmokeOptions } from '../../scripts/smoke.js';

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}
type Route = (seen: Seen) => { status: number; body?: unknown } | Promise<never>;

const base = 'https://api.example.test/dev';
const emergency = { id: '0b6f1c52-7d0e-4d53-9d5c-2f1f4b1e7a10', reference: 'TH-7K3Q9P', trackingToken: 'a'.repeat(32) };
const healthy = {
  status: 'healthy',
  checks: {
    postgres: { status: 'ok' },
    dynamodb: { status: 'ok' },
    backlog: { status: 'ok', pending: 0, threshold: 50 },
  },
};
/** An access token as a verifier never sees it here: only its claims matter to the smoke check. */
const unsignedToken = (claims: Record<string, unknown>) =>
  ['{"alg":"RS256"}', JSON.stringify(claims)].map((part) => Buffer.from(part).toString('base64url')).join('.') +
  '.signature';

const workingStage: Record<string, Route> = {
  'POST /emergencies': () => ({ status: 201, body: { ...emergency, status: 'pending' } }),
  [`PUT /technicians/tech-smoke/location`]: () => ({ status: 200, body: { applied: true } }),
  [`GET /emergencies/${emergency.id}`]: () => ({
    status: 200,
    body: { reference: emergency.reference, status: 'pending' },
  }),
  'GET /ops/health': () => ({ status: 200, body: healthy }),
  [`POST /emergencies/${emergency.id}/cancel`]: () => ({ status: 200, body: { status: 'cancelled' } }),
};

/** A fetch that answers from `routes` by method and path under `base`, and records what it was asked. */
function fakeStage(routes: Record<string, Route>) {
  const seen: Seen[] = [];
  const fetch = (async (input: string, init: RequestInit = {}) => {
    const request: Seen = {
      method: init.method ?? 'GET',
      url: input,
      headers: init.headers as Record<string, string>,
      body: init.body ? JSON.parse(init.body as string) : undefined,
    };
    seen.push(request);
    const route = routes[`${request.method} ${input.replace(base, '')}`];
    const answer = route ? await route(request) : { status: 404, body: { title: 'Not Found' } };
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status });
  }) as typeof globalThis.fetch;
  return { fetch, seen };
}

const options = (fetch: typeof globalThis.fetch, overrides: Partial<SmokeOptions> = {}): SmokeOptions => ({
  base: `${base}/`,
  technicianToken: unsignedToken({ sub: 'tech-smoke', 'cognito:groups': ['technicians'] }),
  operationsToken: unsignedToken({ sub: 'ops-smoke' }),
  fetch,
  now: () => new Date('2026-12-06T10:00:00Z'),
  ...overrides,
});

describe('runSmoke', () => {
  it('passes all five calls on a working stage, with a synthetic drama-range intake and the technician id from the token', async () => {
    const stage = fakeStage(workingStage);
    const results = await runSmoke(options(stage.fetch));
    expect(results.map((r) => [r.call, r.outcome, r.status])).toEqual([
      ['POST /emergencies (synthetic intake)', 'pass', 201],
      ['PUT /technicians/{id}/location', 'pass', 200],
      ['GET /emergencies/{id} (tracking)', 'pass', 200],
      ['GET /ops/health', 'pass', 200],
      ['POST /emergencies/{id}/cancel (clean-up)', 'pass', 200],
    ]);
    expect(exitCode(results, false)).toBe(0);
    const [intake, location, tracking, health] = stage.seen;
    expect(intake!.headers).toMatchObject({
      'Idempotency-Key': expect.stringMatching(/^[0-9a-f-]{36}$/),
      'X-Synthetic-Test': 'true',
    });
    expect((intake!.body as { customer: { phone: string } }).customer.phone).toMatch(/^07700 9009[0-4][0-9]$/);
    expect(location).toMatchObject({
      url: `${base}/technicians/tech-smoke/location`,
      body: { lat: 51.88, lon: -0.42, recordedAt: '2026-12-06T10:00:00.000Z' },
    });
    expect(location!.headers.Authorization).toMatch(/^Bearer /);
    expect(tracking!.headers).toEqual({ 'X-Tracking-Token': emergency.trackingToken });
    expect(health!.headers.Authorization).toBe(`Bearer ${options(stage.fetch).operationsToken}`);
  });

  it('uses --technician-id over the token’s sub', async () => {
    const stage = fakeStage({
      ...workingStage,
      'PUT /technicians/tech-other/location': () => ({ status: 200, body: { applied: false } }),
    });
    const results = await runSmoke(options(stage.fetch, { technicianId: 'tech-other' }));
    expect(results[1]).toMatchObject({ outcome: 'pass', reason: 'technician tech-other, applied: false' });
  });

  it('says what was skipped without staff tokens, and fails the run for it unless skips are allowed', async () => {
    const stage = fakeStage(workingStage);
    const results = await runSmoke(options(stage.fetch, { technicianToken: undefined, operationsToken: undefined }));
    expect(results.filter((r) => r.outcome === 'skip').map((r) => r.reason)).toEqual([
      'skipped: no technician token (--technician-token or SMOKE_TECHNICIAN_TOKEN)',
      'skipped: no operations token (--operations-token or SMOKE_OPERATIONS_TOKEN)',
    ]);
    expect(stage.seen.map((s) => s.method + ' ' + s.url.replace(base, ''))).not.toContain('GET /ops/health');
    expect(exitCode(results, false)).toBe(1);
    expect(exitCode(results, true)).toBe(0);
    expect(report(results)).toMatch(/^SKIP {2}GET \/ops\/health +- +skipped: no operations token/m);
  });

  it('fails the intake with the problem’s detail, and skips what needed its emergency', async () => {
    const stage = fakeStage({
      ...workingStage,
      'POST /emergencies': () => ({ status: 503, body: { title: 'Service Unavailable', detail: 'intake is paused' } }),
    });
    const results = await runSmoke(options(stage.fetch));
    expect(results[0]).toEqual({
      call: 'POST /emergencies (synthetic intake)',
      outcome: 'fail',
      status: 503,
      reason: 'expected 201 or 202 with an id and a tracking token, got 503: intake is paused',
    });
    expect(results.filter((r) => r.outcome === 'skip').map((r) => r.call)).toEqual([
      'GET /emergencies/{id} (tracking)',
      'POST /emergencies/{id}/cancel (clean-up)',
    ]);
    expect(exitCode(results, true)).toBe(1);
  });

  it('passes a deep health check degraded only by its backlog, saying so: the calls all got through', async () => {
    const degraded = {
      status: 'degraded',
      checks: { ...healthy.checks, backlog: { status: 'degraded', pending: 80, threshold: 50 } },
      dependencies: [{ name: 'postgresql:writer', verdict: 'reachable' }],
    };
    const stage = fakeStage({ ...workingStage, 'GET /ops/health': () => ({ status: 200, body: degraded }) });
    const results = await runSmoke(options(stage.fetch));
    expect(results[3]).toMatchObject({
      outcome: 'pass',
      status: 200,
      reason: 'every dependency reachable; degraded: backlog degraded',
    });
  });

  it('fails a deep health check that finds a dependency unreachable, naming it, even when only degraded', async () => {
    const body = {
      status: 'degraded',
      checks: healthy.checks,
      dependencies: [
        { name: 'postgresql:writer', verdict: 'reachable' },
        { name: 'sns:ops-alerts', verdict: 'unreachable', error: 'TimeoutError' },
      ],
    };
    const stage = fakeStage({ ...workingStage, 'GET /ops/health': () => ({ status: 200, body }) });
    const results = await runSmoke(options(stage.fetch));
    expect(results[3]).toMatchObject({
      outcome: 'fail',
      status: 200,
      reason: 'degraded: sns:ops-alerts unreachable (TimeoutError)',
    });
  });

  it('fails an unhealthy deep health check, naming the check that is not ok', async () => {
    const unhealthy = {
      status: 'unhealthy',
      checks: { ...healthy.checks, postgres: { status: 'failed', detail: 'ECONNREFUSED' } },
    };
    const stage = fakeStage({ ...workingStage, 'GET /ops/health': () => ({ status: 200, body: unhealthy }) });
    const results = await runSmoke(options(stage.fetch));
    expect(results[3]).toMatchObject({
      outcome: 'fail',
      status: 200,
      reason: 'unhealthy: postgres failed (ECONNREFUSED)',
    });
  });

  it('reports an unreachable route as that call’s failure and carries on with the rest', async () => {
    const stage = fakeStage({
      ...workingStage,
      'GET /ops/health': () => Promise.reject(new TypeError('fetch failed', { cause: new Error('ECONNREFUSED') })),
    });
    const results = await runSmoke(options(stage.fetch));
    expect(results[3]).toMatchObject({ outcome: 'fail', reason: 'fetch failed (ECONNREFUSED)' });
    expect(results[4]).toMatchObject({ outcome: 'pass' });
  });
});

describe('serviceEndpoint', () => {
  afterEach(() => vi.unstubAllEnvs());

  /** A CloudFormation endpoint that answers DescribeStacks with these outputs, and records what it was asked. */
  async function fakeCloudFormation(outputs: Record<string, string>) {
    const asked: string[] = [];
    const members = Object.entries(outputs).map(
      ([key, value]) => `<member><OutputKey>${key}</OutputKey><OutputValue>${value}</OutputValue></member>`,
    );
    const server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        asked.push(decodeURIComponent(body));
        response.setHeader('content-type', 'text/xml');
        response.end(
          `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><Outputs>${members.join('')}</Outputs></member></Stacks></DescribeStacksResult></DescribeStacksResponse>`,
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    vi.stubEnv('AWS_ENDPOINT_URL_CLOUDFORMATION', `http://127.0.0.1:${(server.address() as { port: number }).port}`);
    return { asked, close: () => new Promise((resolve) => server.close(resolve)) };
  }

  it('reads the base URL from the ServiceEndpoint output of tyrehero-dispatch-<stage>', async () => {
    const cloudFormation = await fakeCloudFormation({
      ApiHealthCheckId: 'x',
      ServiceEndpoint: 'https://abc.execute-api.eu-west-2.amazonaws.com/dev',
    });
    try {
      expect(await serviceEndpoint('dev', 'eu-west-2')).toBe('https://abc.execute-api.eu-west-2.amazonaws.com/dev');
      expect(cloudFormation.asked).toEqual([expect.stringContaining('Action=DescribeStacks')]);
      expect(cloudFormation.asked[0]).toContain('StackName=tyrehero-dispatch-dev');
    } finally {
      await cloudFormation.close();
    }
  });

  it('says so when the stack has no ServiceEndpoint output', async () => {
    const cloudFormation = await fakeCloudFormation({ ApiHealthCheckId: 'x' });
    try {
      await expect(serviceEndpoint('staging', 'eu-west-1')).rejects.toThrow(
        'stack tyrehero-dispatch-staging in eu-west-1 has no ServiceEndpoint output',
      );
    } finally {
      await cloudFormation.close();
    }
  });
});
