// Every route against every kind of caller: who may do what is a table, and each cell is checked on the real engines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHandler as makeCancel } from '#functions/tracking/cancel.js';
import { makeHandler as makeCreate } from '#functions/intake/create.js';
import { makeHandler as makeGet } from '#functions/tracking/get.js';
import { makeHandler as makeRate } from '#functions/tracking/rate.js';
import { makeJobActionHandler } from '#functions/jobs/job-action.js';
import { makeHandler as makeGdprErase } from '#functions/data-protection/gdpr-erase.js';
import { makeHandler as makeGdprExport } from '#functions/data-protection/gdpr-export.js';
import { makeHandler as makeHealth } from '#functions/platform/health.js';
import { handler as openApi } from '#functions/platform/serve-openapi.js';
import { makeHandler as makeQueue } from '#functions/operations/queue.js';
import { makeHandler as makeOpsMetrics } from '#functions/operations/metrics.js';
import { makeHandler as makeLiveMap } from '#functions/operations/live-map.js';
import { makeHandler as makeOpsHealth } from '#functions/platform/ops-health.js';
import { makeHandler as makeOverrideComplete } from '#functions/operations/complete-job.js';
import { makeHandler as makeOpsCancel } from '#functions/operations/cancel-request.js';
import { makeHandler as makeReassign } from '#functions/operations/reassign-request.js';
import { makeHandler as makePages } from '#functions/platform/pages.js';
import { makeHandler as makeLocation } from '#functions/technicians/location.js';
import { buildPages, pagesOut } from '../../scripts/pages/build.js';
import { makeHandler as makeStatus } from '#functions/technicians/status.js';
import type { TechnicianAction } from '#functions/jobs/job-actions.js';
import { emergencyBody } from '../fixtures/emergencies.js';
import { arrivalCodeOf } from '../support/arrival.js';
import { bearer, testAuth } from '../support/auth.js';
import { apiEvent, invoke } from '../support/events.js';
import { testStack, type TestStack } from '../support/stack.js';
import { seedTechnicianProfiles } from '../support/technicians.js';

const callers = [
  'anonymous',
  'wrong tracking token',
  'right tracking token',
  'another technician',
  'owning technician',
  'operations',
] as const;
type Caller = (typeof callers)[number];
type Expected = Record<Caller, number>;

const owner = 'mx-owner';
const other = 'mx-other';
let now = new Date('2026-01-14T14:00:00Z');
let stack: TestStack;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  const auth = await testAuth();
  // Each call moves the clock on a second, so every location fix is newer than the last.
  stack = await testStack({
    env: auth.env,
    overrides: { clock: { now: () => (now = new Date(now.getTime() + 1000)) } },
  });
  await seedTechnicianProfiles(stack, [owner, other]);
  tokens[owner] = await auth.signer.mint(owner, ['technicians']);
  tokens[other] = await auth.signer.mint(other, ['technicians']);
  tokens.ops = await auth.signer.mint('ops-1', ['operations']);
  // The other technician is in Aberdeen, beyond dispatch range of Leeds, so every job here goes to the owner.
  for (const [id, lat, lon] of [
    [owner, 53.8, -1.55],
    [other, 57.15, -2.1],
  ] as const) {
    await stack.deps.technicians.recordLocation(id, { location: { lat, lon }, recordedAt: now });
    await stack.deps.technicians.setAvailability(id, 'available');
  }
}, 60_000);
afterAll(() => stack.close());

interface Job {
  id: string;
  trackingToken: string;
}

type Stage = 'assigned' | 'en_route' | 'on_site' | 'completed';

/** A fresh request assigned to the owner, moved on to the status the route acts from. */
async function jobAt(status: Stage): Promise<Job> {
  const created = await invoke(
    makeCreate(stack.deps),
    apiEvent({
      method: 'POST',
      path: '/emergencies',
      body: emergencyBody({ location: { lat: 53.81, lon: -1.56 }, safety: { onMotorway: false } }),
    }),
  );
  expect(created.body).toMatchObject({ status: 'assigned', technician: { id: owner } });
  const job = created.body as unknown as Job;
  if (status !== 'assigned') await stack.deps.requests.transition(job.id, 'en-route', now, owner);
  if (status === 'on_site' || status === 'completed')
    await stack.deps.requests.transition(job.id, 'arrived', now, owner);
  if (status === 'completed') {
    await stack.deps.requests.transition(job.id, 'complete', now, owner);
    await stack.deps.technicians.release(owner, job.id);
  }
  return job;
}

/** Puts the owner back on the road with no job, whatever the cell did. */
async function tidy(job?: Job) {
  if (job) {
    await stack.deps.requests.transition(job.id, 'cancel', now);
    await stack.deps.technicians.release(owner, job.id);
  }
  await stack.deps.technicians.recordLocation(owner, { location: { lat: 53.8, lon: -1.55 }, recordedAt: now });
  await stack.deps.technicians.setAvailability(owner, 'available');
}

function headersFor(caller: Caller, job?: Job): Record<string, string> {
  switch (caller) {
    case 'anonymous':
      return {};
    case 'wrong tracking token':
      return { 'X-Tracking-Token': 'not-the-token-for-this-request' };
    case 'right tracking token':
      return job ? { 'X-Tracking-Token': job.trackingToken } : {};
    case 'another technician':
      return bearer(tokens[other]!);
    case 'owning technician':
      return bearer(tokens[owner]!);
    case 'operations':
      return bearer(tokens.ops!);
  }
}

interface Route {
  route: string;
  /** The state the route acts from, or none. */
  needs?: Stage;
  call: (headers: Record<string, string>, job?: Job) => ReturnType<typeof invoke>;
  expected: Expected;
}

const everyone = (status: number): Expected => Object.fromEntries(callers.map((c) => [c, status])) as Expected;
const trackingTokenOnly = (ok: number): Expected => ({ ...everyone(404), 'right tracking token': ok });
const ownerOnly: Expected = {
  anonymous: 401,
  'wrong tracking token': 401,
  'right tracking token': 401,
  'another technician': 403,
  'owning technician': 200,
  operations: 403,
};
const operationsOnly: Expected = {
  anonymous: 401,
  'wrong tracking token': 401,
  'right tracking token': 401,
  'another technician': 403,
  'owning technician': 403,
  operations: 200,
};

const codeOf = (job: Job) => arrivalCodeOf(stack, job.id);

const jobRoute = (action: TechnicianAction, needs: Route['needs']): Route => ({
  route: `POST /jobs/{id}/${action}`,
  needs,
  call: (headers, job) =>
    invoke(
      makeJobActionHandler(action)(stack.deps),
      apiEvent({ method: 'POST', path: `/jobs/${job!.id}/${action}`, pathParameters: { id: job!.id }, headers }),
    ),
  expected: ownerOnly,
});

const routes: Route[] = [
  {
    route: 'POST /emergencies',
    call: (headers) =>
      invoke(
        makeCreate(stack.deps),
        apiEvent({
          method: 'POST',
          path: '/emergencies',
          headers,
          body: emergencyBody({ location: { lat: 51.5, lon: -0.12 } }),
        }),
      ),
    expected: everyone(201),
  },
  {
    route: 'GET /emergencies/{id}',
    needs: 'assigned',
    call: (headers, job) =>
      invoke(
        makeGet(stack.deps),
        apiEvent({ method: 'GET', path: `/emergencies/${job!.id}`, pathParameters: { id: job!.id }, headers }),
      ),
    expected: trackingTokenOnly(200),
  },
  {
    route: 'POST /emergencies/{id}/cancel',
    needs: 'assigned',
    call: (headers, job) =>
      invoke(
        makeCancel(stack.deps),
        apiEvent({ method: 'POST', path: `/emergencies/${job!.id}/cancel`, pathParameters: { id: job!.id }, headers }),
      ),
    expected: trackingTokenOnly(200),
  },
  {
    route: 'PUT /technicians/{id}/location',
    call: (headers) =>
      invoke(
        makeLocation(stack.deps),
        apiEvent({
          method: 'PUT',
          path: `/technicians/${owner}/location`,
          pathParameters: { id: owner },
          headers,
          body: { lat: 53.8, lon: -1.55, recordedAt: now.toISOString() },
        }),
      ),
    expected: ownerOnly,
  },
  {
    route: 'PUT /technicians/{id}/status',
    call: (headers) =>
      invoke(
        makeStatus(stack.deps),
        apiEvent({
          method: 'PUT',
          path: `/technicians/${owner}/status`,
          pathParameters: { id: owner },
          headers,
          body: { status: 'available' },
        }),
      ),
    expected: ownerOnly,
  },
  jobRoute('accept', 'assigned'),
  jobRoute('decline', 'assigned'),
  jobRoute('en-route', 'assigned'),
  {
    ...jobRoute('arrived', 'en_route'),
    call: async (headers, job) => {
      // The owner's van is at the breakdown, so only who is calling decides the answer.
      await stack.deps.technicians.recordLocation(owner, { location: { lat: 53.81, lon: -1.56 }, recordedAt: now });
      return invoke(
        makeJobActionHandler('arrived')(stack.deps),
        apiEvent({ method: 'POST', path: `/jobs/${job!.id}/arrived`, pathParameters: { id: job!.id }, headers }),
      );
    },
  },
  {
    ...jobRoute('complete', 'on_site'),
    call: async (headers, job) =>
      invoke(
        makeJobActionHandler('complete')(stack.deps),
        apiEvent({
          method: 'POST',
          path: `/jobs/${job!.id}/complete`,
          pathParameters: { id: job!.id },
          headers,
          body: { arrivalCode: await codeOf(job!) },
        }),
      ),
  },
  {
    route: 'POST /emergencies/{id}/rating',
    needs: 'completed',
    call: (headers, job) =>
      invoke(
        makeRate(stack.deps),
        apiEvent({
          method: 'POST',
          path: `/emergencies/${job!.id}/rating`,
          pathParameters: { id: job!.id },
          headers,
          body: { rating: 5 },
        }),
      ),
    expected: trackingTokenOnly(201),
  },
  {
    route: 'POST /ops/jobs/{id}/complete',
    needs: 'on_site',
    call: (headers, job) =>
      invoke(
        makeOverrideComplete(stack.deps),
        apiEvent({
          method: 'POST',
          path: `/ops/jobs/${job!.id}/complete`,
          pathParameters: { id: job!.id },
          headers,
          body: { reason: 'Customer phone dead; technician confirmed by radio' },
        }),
      ),
    expected: operationsOnly,
  },
  {
    route: 'POST /ops/requests/{id}/reassign',
    needs: 'en_route',
    call: (headers, job) =>
      invoke(
        makeReassign(stack.deps),
        apiEvent({
          method: 'POST',
          path: `/ops/requests/${job!.id}/reassign`,
          pathParameters: { id: job!.id },
          headers,
          body: { reason: 'Van recalled to the depot' },
        }),
      ),
    expected: operationsOnly,
  },
  {
    route: 'POST /ops/requests/{id}/cancel',
    needs: 'on_site',
    call: (headers, job) =>
      invoke(
        makeOpsCancel(stack.deps),
        apiEvent({
          method: 'POST',
          path: `/ops/requests/${job!.id}/cancel`,
          pathParameters: { id: job!.id },
          headers,
          body: { reason: 'Customer towed away' },
        }),
      ),
    expected: operationsOnly,
  },
  {
    route: 'GET /ops/queue',
    call: (headers) => invoke(makeQueue(stack.deps), apiEvent({ method: 'GET', path: '/ops/queue', headers })),
    expected: operationsOnly,
  },
  {
    route: 'GET /ops/metrics',
    call: (headers) => invoke(makeOpsMetrics(stack.deps), apiEvent({ method: 'GET', path: '/ops/metrics', headers })),
    expected: operationsOnly,
  },
  {
    route: 'GET /ops/live-map',
    call: (headers) => invoke(makeLiveMap(stack.deps), apiEvent({ method: 'GET', path: '/ops/live-map', headers })),
    expected: operationsOnly,
  },
  {
    route: 'GET /ops/health',
    call: (headers) => invoke(makeOpsHealth(stack.deps), apiEvent({ method: 'GET', path: '/ops/health', headers })),
    expected: operationsOnly,
  },
  {
    route: 'POST /ops/gdpr/export',
    call: (headers) =>
      invoke(
        makeGdprExport(stack.deps),
        apiEvent({ method: 'POST', path: '/ops/gdpr/export', headers, body: { phone: '07700 900999' } }),
      ),
    expected: operationsOnly,
  },
  {
    route: 'POST /ops/gdpr/erase',
    call: (headers) =>
      invoke(
        makeGdprErase(stack.deps),
        apiEvent({ method: 'POST', path: '/ops/gdpr/erase', headers, body: { phone: '07700 900998' } }),
      ),
    expected: operationsOnly,
  },
  {
    route: 'GET /health',
    call: (headers) => invoke(makeHealth(stack.deps), apiEvent({ method: 'GET', path: '/health', headers })),
    expected: everyone(200),
  },
  {
    route: 'GET /openapi.json',
    call: (headers) => invoke(openApi, apiEvent({ method: 'GET', path: '/openapi.json', headers })),
    expected: everyone(200),
  },
];

/** Where a response carries an arrival code: under any key named arrivalCode, or as a value equal to one of the codes. */
function codeLeaks(body: unknown, codes: ReadonlySet<string>, numbersToo: boolean, path = ''): string[] {
  // Exact values only: a 4-digit run inside an id or a timestamp is chance, not a leak.
  if (typeof body === 'string' || (numbersToo && typeof body === 'number'))
    return codes.has(String(body)) ? [path || '(body)'] : [];
  if (Array.isArray(body)) return body.flatMap((item, i) => codeLeaks(item, codes, numbersToo, `${path}[${i}]`));
  if (body && typeof body === 'object') {
    return Object.entries(body).flatMap(([key, value]) =>
      key === 'arrivalCode' && typeof value === 'string'
        ? [path ? `${path}.${key}` : key]
        : codeLeaks(value, codes, numbersToo, path ? `${path}.${key}` : key),
    );
  }
  return [];
}

/** Every code stored, for routes that act on no one job (a queue or a figure could carry any of them). */
const everyCode = async () =>
  new Set(
    (await stack.sql.query<{ code: string }>('SELECT arrival_code AS code FROM emergency_requests')).rows.map(
      (r) => r.code,
    ),
  );

describe('authorisation matrix', () => {
  const cells = routes.flatMap((r) => callers.map((caller) => ({ ...r, caller, status: r.expected[caller] })));
  it.each(cells)('$route as $caller → $status', async ({ route, needs, call, caller, status }) => {
    const job = needs ? await jobAt(needs) : undefined;
    try {
      const before = job
        ? (await stack.sql.query('SELECT status, technician_id FROM emergency_requests WHERE id = $1', [job.id]))
            .rows[0]
        : undefined;
      const response = await call(headersFor(caller, job), job);
      expect(response.status).toBe(status);
      // Only the customer ever sees the arrival code: no other caller, the technician above all, learns it from any route.
      const leaks = job
        ? codeLeaks(response.body, new Set([await codeOf(job)]), true)
        : codeLeaks(response.body, await everyCode(), false);
      if (caller === 'right tracking token' && route === 'GET /emergencies/{id}')
        expect(leaks).toEqual(['arrivalCode']);
      else expect(leaks).toEqual([]);
      if (status >= 400) {
        expect(response.headers['content-type']).toBe('application/problem+json');
        // A refused caller changes nothing.
        if (job)
          expect(
            (await stack.sql.query('SELECT status, technician_id FROM emergency_requests WHERE id = $1', [job.id]))
              .rows[0],
          ).toEqual(before);
      }
    } finally {
      await tidy(job);
    }
  });
});

// The web pages hold no data: every caller gets the same static page, and the data routes the page calls carry the auth
// (the rows above). Not through invoke(): they are HTML, not operations of the OpenAPI document (docs/web-pages.md, "Web pages").
describe('authorisation matrix: the web pages are public and the same for everyone', () => {
  const pageRoutes: Array<{ route: string; resource: string; path: string; pathParameters: Record<string, string> }> = [
    {
      route: 'GET /t/{reference}',
      resource: '/t/{reference}',
      path: '/t/TH-7K3Q9P',
      pathParameters: { reference: 'TH-7K3Q9P' },
    },
    { route: 'GET /ops/live', resource: '/ops/live', path: '/ops/live', pathParameters: {} },
  ];
  it.each(pageRoutes)(
    '$route answers 200 with one page for every caller',
    async ({ resource, path, pathParameters }) => {
      await buildPages();
      const serve = makePages({ root: pagesOut });
      const job = await jobAt('assigned');
      try {
        const bodies = new Set<string>();
        for (const caller of callers) {
          const response = await serve({
            ...apiEvent({ method: 'GET', path, pathParameters, headers: headersFor(caller, job) }),
            resource,
          });
          expect(response.statusCode, caller).toBe(200);
          expect(response.headers!['content-type'], caller).toBe('text/html; charset=utf-8');
          bodies.add(response.body);
        }
        expect(bodies.size).toBe(1);
        expect([...bodies][0]).not.toContain(await codeOf(job));
      } finally {
        await tidy(job);
      }
    },
  );
});
