// Runs the whole bad-input corpus (tests/fixtures/bad-inputs) against the handlers on the real engines: every case gets
// its 4xx as problem+json, nothing leaks (no stack traces, no SQL), and no row or item anywhere changes.
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHandler as makeCancel } from '#functions/tracking/cancel.js';
import { makeHandler as makeCreate } from '#functions/intake/create.js';
import { makeHandler as makeGet } from '#functions/tracking/get.js';
import { makeHandler as makeRate } from '#functions/tracking/rate.js';
import { makeHandler as makeOverrideComplete } from '#functions/operations/complete-job.js';
import { makeHandler as makeOpsCancel } from '#functions/operations/cancel-request.js';
import { makeHandler as makeReassign } from '#functions/operations/reassign-request.js';
import { makeJobActionHandler } from '#functions/jobs/job-action.js';
import { makeHandler as makeErase } from '#functions/data-protection/gdpr-erase.js';
import { makeHandler as makeExport } from '#functions/data-protection/gdpr-export.js';
import { makeHandler as makeHealth } from '#functions/platform/health.js';
import { handler as openApiHandler } from '#functions/platform/serve-openapi.js';
import { makeHandler as makeOpsHealth } from '#functions/platform/ops-health.js';
import { makeHandler as makeLiveMap } from '#functions/operations/live-map.js';
import { makeHandler as makeMetrics } from '#functions/operations/metrics.js';
import { makeHandler as makeQueue } from '#functions/operations/queue.js';
import { makeHandler as makeLocation } from '#functions/technicians/location.js';
import { makeHandler as makeStatus } from '#functions/technicians/status.js';
import { newSigner } from '../../scripts/local/auth.js';
import { badInputs, routes, type BadInput, type Caller, type Route } from '../fixtures/bad-inputs/index.js';
import { testAuth } from '../support/auth.js';
import { apiEvent, lambdaContext } from '../support/events.js';
import { seedRequest } from '../support/requests.js';
import { testStack, type TestStack } from '../support/stack.js';
import { seedTechnicianProfiles } from '../support/technicians.js';

let stack: TestStack;
let handlers: Record<Route, (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>>;
const authorization: Partial<Record<Caller, string>> = {};
const ids = { job: '', request: '', closed: '' };

beforeAll(async () => {
  const auth = await testAuth();
  stack = await testStack({ env: auth.env });
  await seedTechnicianProfiles(stack, ['bad-a', 'bad-b']);
  const now = new Date();
  await stack.deps.technicians.recordLocation('bad-a', { location: { lat: 53.8, lon: -1.55 }, recordedAt: now });
  ids.request = await seedRequest(stack.sql, { status: 'pending', createdAt: now.toISOString() });
  ids.job = await seedRequest(stack.sql, { status: 'assigned', createdAt: now.toISOString() });
  await stack.sql.query(
    `UPDATE emergency_requests SET technician_id = 'bad-a', assigned_at = created_at WHERE id = $1`,
    [ids.job],
  );
  ids.closed = await seedRequest(stack.sql, {
    status: 'completed',
    createdAt: now.toISOString(),
    onSiteAt: now.toISOString(),
    completedAt: now.toISOString(),
  });

  const { signer } = auth;
  const stranger = await newSigner();
  const bearer = (token: string) => `Bearer ${token}`;
  const unsigned = (claims: object) =>
    `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
  Object.assign(authorization, {
    technician: bearer(await signer.mint('bad-a', ['technicians'])),
    'other-technician': bearer(await signer.mint('bad-b', ['technicians'])),
    operations: bearer(await signer.mint('ops-bad', ['operations'])),
    forged: bearer(await stranger.mint('ops-bad', ['operations', 'technicians'])),
    expired: bearer(await signer.mint('bad-a', ['technicians', 'operations'], { expiresIn: '1h ago' })),
    'wrong-issuer': bearer(
      await signer.mint('bad-a', ['technicians', 'operations'], {
        issuer: 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_evil',
      }),
    ),
    'id-token': bearer(await signer.mint('bad-a', ['technicians', 'operations'], { tokenUse: 'id' })),
    'wrong-client': bearer(
      await signer.mint('bad-a', ['technicians', 'operations'], { clientId: 'someone-elses-app' }),
    ),
    'alg-none': bearer(
      unsigned({
        sub: 'bad-a',
        'cognito:groups': ['technicians', 'operations'],
        token_use: 'access',
        client_id: 'tyrehero-local-app',
        iss: 'tyrehero-local',
        exp: 4102444800,
      }),
    ),
    garbage: 'Bearer not.a.jwt',
    basic: 'Basic YWRtaW46YWRtaW4=',
  });

  const d = stack.deps;
  handlers = {
    'POST /emergencies': makeCreate(d),
    'POST /partner/emergencies': makeCreate(d),
    'GET /emergencies/{id}': makeGet(d),
    'POST /emergencies/{id}/cancel': makeCancel(d),
    'POST /emergencies/{id}/rating': makeRate(d),
    'PUT /technicians/{id}/location': makeLocation(d),
    'PUT /technicians/{id}/status': makeStatus(d),
    'POST /jobs/{id}/accept': makeJobActionHandler('accept')(d),
    'POST /jobs/{id}/decline': makeJobActionHandler('decline')(d),
    'POST /jobs/{id}/en-route': makeJobActionHandler('en-route')(d),
    'POST /jobs/{id}/arrived': makeJobActionHandler('arrived')(d),
    'POST /jobs/{id}/complete': makeJobActionHandler('complete')(d),
    'POST /ops/jobs/{id}/complete': makeOverrideComplete(d),
    'POST /ops/requests/{id}/reassign': makeReassign(d),
    'POST /ops/requests/{id}/cancel': makeOpsCancel(d),
    'GET /ops/queue': makeQueue(d),
    'GET /ops/metrics': makeMetrics(d),
    'GET /ops/live-map': makeLiveMap(d),
    'GET /ops/health': makeOpsHealth(d),
    'POST /ops/gdpr/export': makeExport(d),
    'POST /ops/gdpr/erase': makeErase(d),
  };
}, 120_000);
afterAll(() => stack.close());

function eventFor(c: BadInput): APIGatewayProxyEvent {
  const [method, template] = c.route.split(' ') as [string, string];
  const staff =
    c.route.startsWith('PUT /technicians') ||
    c.route.startsWith('POST /jobs') ||
    c.route.startsWith('GET /ops') ||
    c.route.startsWith('POST /ops');
  const as =
    c.as ??
    (staff
      ? c.route.startsWith('POST /jobs') || c.route.startsWith('PUT /technicians')
        ? 'technician'
        : 'operations'
      : 'anonymous');
  const defaultId = c.route.startsWith('PUT /technicians')
    ? 'bad-a'
    : c.route.startsWith('POST /jobs') || c.route.startsWith('POST /ops/jobs')
      ? ids.job
      : ids.request;
  const id = c.id === '$job' ? ids.job : c.id === '$closed' ? ids.closed : (c.id ?? defaultId);
  const hasBody = c.raw !== undefined || c.body !== undefined;
  const headers: Record<string, string> = {};
  if (authorization[as]) headers.Authorization = authorization[as];
  if (c.trackingToken !== undefined) headers['X-Tracking-Token'] = c.trackingToken;
  if (hasBody && c.contentType !== null) headers['Content-Type'] = c.contentType ?? 'application/json';
  const event = apiEvent({
    method,
    path: template.replace('{id}', encodeURIComponent(id)),
    resource: template,
    pathParameters: template.includes('{id}') ? { id } : undefined,
    headers,
    body: c.raw ?? c.body,
  });
  if (!hasBody || c.contentType === null) delete event.headers['Content-Type'];
  return event;
}

async function everything() {
  const pg = await stack.sql.query(
    `SELECT (SELECT count(*) FROM emergency_requests)::int AS requests, (SELECT count(*) FROM emergency_requests_audit)::int AS audit,
            (SELECT count(*) FROM customer_notifications)::int AS notifications, (SELECT count(*) FROM data_erasures)::int AS erasures,
            (SELECT count(*) FROM incident_broadcasts)::int AS broadcasts, (SELECT count(*) FROM technicians)::int AS technicians,
            (SELECT json_agg(r ORDER BY id) FROM (SELECT id, status, technician_id, accepted_at, cancelled_at, customer_name FROM emergency_requests) r)::text AS rows`,
  );
  const items: Record<string, unknown> = {};
  for (const [name, table] of Object.entries(stack.config.tables)) {
    const { Items = [] } = await stack.deps.dynamo.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
    items[name] = Items.map((i) => JSON.stringify(i)).sort();
  }
  return { ...pg.rows[0], items };
}

describe('bad-input corpus', () => {
  it('has at least 300 cases, covering every route', () => {
    expect(badInputs.length).toBeGreaterThanOrEqual(300);
    const perRoute = Object.fromEntries(routes.map((r) => [r, badInputs.filter((c) => c.route === r).length]));
    for (const r of routes) expect(perRoute[r], r).toBeGreaterThan(0);
  });

  it('answers every case with its 4xx problem+json, leaks nothing, and changes no row or item', async () => {
    const before = await everything();
    const failures: string[] = [];
    for (const c of badInputs) {
      const raw = await handlers[c.route](eventFor(c), lambdaContext('tyrehero-dispatch-corpus', 60_000));
      const problems: string[] = [];
      if (raw.statusCode !== c.status) problems.push(`status ${raw.statusCode}`);
      if (raw.headers?.['content-type'] !== 'application/problem+json')
        problems.push(`content-type ${String(raw.headers?.['content-type'])}`);
      if (/\bat .+[.:]\d+|\.ts\b|node_modules|\bSELECT\b|\bINSERT\b|\bUPDATE\b|DELETE FROM|"stack"/i.test(raw.body))
        problems.push('leaks internals');
      const body = JSON.parse(raw.body || '{}') as { status?: number; type?: string; title?: string; detail?: string };
      if (body.status !== c.status || !body.type || !body.title || !body.detail)
        problems.push('not a complete problem');
      if (problems.length)
        failures.push(`${c.route} — ${c.name}: expected ${c.status}, ${problems.join(', ')} ${raw.body.slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
    expect(await everything()).toEqual(before);
  }, 900_000);

  it('routes that take no input (GET /health, GET /openapi.json) ignore hostile query strings, headers and bodies', async () => {
    const before = await everything();
    const health = makeHealth(stack.deps);
    const hostile: { name: string; query?: Record<string, string>; body?: string; headers?: Record<string, string> }[] =
      [
        { name: 'SQL injection in the query string', query: { id: "' OR 1=1; DROP TABLE emergency_requests; --" } },
        { name: 'a NoSQL operator in the query string', query: { 'status[$ne]': 'x' } },
        { name: 'path traversal in the query string', query: { file: '../../../../etc/passwd' } },
        {
          name: 'a JSON body on a GET',
          body: '{"__proto__":{"admin":true}}',
          headers: { 'Content-Type': 'application/json' },
        },
        { name: 'a 200 kB body on a GET', body: 'x'.repeat(200_000), headers: { 'Content-Type': 'text/plain' } },
        { name: 'a forged bearer token', headers: { Authorization: authorization.forged! } },
        { name: 'control characters and a lone surrogate in a header', headers: { 'X-Debug': '\u009b\ud800' } },
      ];
    const failures: string[] = [];
    for (const [route, handler, path] of [
      ['GET /health', health, '/health'],
      ['GET /openapi.json', openApiHandler, '/openapi.json'],
    ] as const) {
      const clean = await handler(apiEvent({ method: 'GET', path }), lambdaContext('tyrehero-dispatch-corpus', 60_000));
      for (const h of hostile) {
        const event = apiEvent({ method: 'GET', path, headers: h.headers ?? {}, body: h.body });
        if (h.query) {
          event.queryStringParameters = h.query;
          event.multiValueQueryStringParameters = Object.fromEntries(Object.entries(h.query).map(([k, v]) => [k, [v]]));
        }
        const raw = await handler(event, lambdaContext('tyrehero-dispatch-corpus', 60_000));
        const same = (a: string, b: string) =>
          JSON.stringify(Object.keys(JSON.parse(a) as object)) === JSON.stringify(Object.keys(JSON.parse(b) as object));
        if (raw.statusCode !== clean.statusCode || !same(raw.body, clean.body))
          failures.push(`${route} — ${h.name}: ${raw.statusCode} ${raw.body.slice(0, 160)}`);
      }
      if (clean.statusCode !== 200) failures.push(`${route}: the clean call answered ${clean.statusCode}`);
    }
    expect(failures).toEqual([]);
    expect(await everything()).toEqual(before);
  }, 300_000);
});
