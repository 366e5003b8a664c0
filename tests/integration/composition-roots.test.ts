// Each feature through a function's own composition root, as Lambda loads it: the module is imported with an
// environment of its own (a private database and tables on the test engines) and wires its adapters at import, exactly
// as deployed; no all-deps.ts. One story runs through them: a technician goes on shift, a driver asks for help and
// follows it, the job is accepted, a second request waits and redispatch gives it to the next technician, operations
// read the queue and export the customer's data, weather scaling runs, and drRecover plans a replay.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Context } from 'aws-lambda';
import { emergencyBody } from '../fixtures/emergencies.js';
import { bearer, testAuth } from '../support/auth.js';
import { apiEvent, invoke, lambdaContext } from '../support/events.js';
import { testStack, type TestStack } from '../support/stack.js';
import { seedTechnicianProfiles } from '../support/technicians.js';
import type { LocalSigner } from '../../scripts/local/auth.js';

let stack: TestStack;
let signer: LocalSigner;
const tech = 'root-tech-a';
const second = 'root-tech-b';
const breakdown = { lat: 51.5226, lon: -0.1246 };

type Scheduled = (event: unknown, context: Context) => Promise<unknown>;

beforeAll(async () => {
  const auth = await testAuth();
  signer = auth.signer;
  stack = await testStack({ env: auth.env });
  await seedTechnicianProfiles(stack, [tech, second]);
  // What Lambda gives a function: its environment. Each module below is imported afresh and wires itself from it.
  for (const [name, value] of Object.entries(stack.env)) vi.stubEnv(name, value);
  vi.resetModules();
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await stack.close();
});

const goOnShift = async (id: string, at: { lat: number; lon: number }) => {
  const { handler: location } = await import('#functions/technicians/location.js');
  const { handler: status } = await import('#functions/technicians/status.js');
  const token = await signer.mint(id, ['technicians']);
  const located = await invoke(
    location,
    apiEvent({
      method: 'PUT',
      path: `/technicians/${id}/location`,
      pathParameters: { id },
      headers: bearer(token),
      body: { lat: at.lat, lon: at.lon, recordedAt: new Date().toISOString() },
    }),
  );
  const available = await invoke(
    status,
    apiEvent({
      method: 'PUT',
      path: `/technicians/${id}/status`,
      pathParameters: { id },
      headers: bearer(token),
      body: { status: 'available' },
    }),
  );
  return { located, available };
};

const askForHelp = async (phone: string) => {
  const { handler } = await import('#functions/intake/create.js');
  return invoke(
    handler,
    apiEvent({
      method: 'POST',
      path: '/emergencies',
      body: emergencyBody({ location: breakdown, customer: { name: 'Root Test', phone } }),
    }),
  );
};

const statusOf = async (id: string) =>
  (
    await stack.sql.query<{ status: string; technician_id: string | null }>(
      'SELECT status, technician_id FROM emergency_requests WHERE id = $1',
      [id],
    )
  ).rows[0];

let first: { id: string; trackingToken: string };

describe('through the real composition roots', () => {
  it('platform: GET /health says the region can take an emergency', async () => {
    const { handler } = await import('#functions/platform/health.js');
    const health = await invoke(handler, apiEvent({ method: 'GET', path: '/health' }));
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
  });

  it('technicians: a technician reports a position and goes available', async () => {
    const { located, available } = await goOnShift(tech, { lat: 51.53, lon: -0.12 });
    expect(located.status).toBe(200);
    expect(located.body.applied).toBe(true);
    expect(available.status).toBe(200);
  });

  it('intake: POST /emergencies stores the request and assigns the nearest technician', async () => {
    const created = await askForHelp('+447700900101');
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('assigned');
    first = { id: created.body.id as string, trackingToken: created.body.trackingToken as string };
    expect(await statusOf(first.id)).toEqual({ status: 'assigned', technician_id: tech });
  });

  it('tracking: the customer follows their own request with the tracking token', async () => {
    const { handler } = await import('#functions/tracking/get.js');
    const followed = await invoke(
      handler,
      apiEvent({
        method: 'GET',
        path: `/emergencies/${first.id}`,
        pathParameters: { id: first.id },
        headers: { 'X-Tracking-Token': first.trackingToken },
      }),
    );
    expect(followed.status).toBe(200);
    expect(followed.body).toMatchObject({ id: first.id, status: 'assigned' });
  });

  it('jobs: the assigned technician accepts the job', async () => {
    const { handler } = await import('#functions/jobs/accept.js');
    const accepted = await invoke(
      handler,
      apiEvent({
        method: 'POST',
        path: `/jobs/${first.id}/accept`,
        pathParameters: { id: first.id },
        headers: bearer(await signer.mint(tech, ['technicians'])),
      }),
    );
    expect(accepted.status).toBe(200);
    const { rows } = await stack.sql.query<{ accepted_at: Date | null }>(
      'SELECT accepted_at FROM emergency_requests WHERE id = $1',
      [first.id],
    );
    expect(rows[0]?.accepted_at).toBeInstanceOf(Date);
  });

  it('dispatch: a request that waited for a technician is given to the next one by redispatch', async () => {
    const waiting = await askForHelp('+447700900102');
    expect(waiting.status).toBe(201);
    expect(waiting.body.status).toBe('pending');
    await goOnShift(second, { lat: 51.51, lon: -0.13 });
    const { handler } = await import('#functions/dispatch/redispatch-pending.js');
    await (handler as Scheduled)({}, lambdaContext('redispatch'));
    expect(await statusOf(waiting.body.id as string)).toEqual({ status: 'assigned', technician_id: second });
  });

  it('operations: GET /ops/queue shows the open requests to an operations user', async () => {
    const { handler } = await import('#functions/operations/queue.js');
    const queue = await invoke(
      handler,
      apiEvent({ method: 'GET', path: '/ops/queue', headers: bearer(await signer.mint('ops-root', ['operations'])) }),
    );
    expect(queue.status).toBe(200);
    expect(queue.body.counts).toMatchObject({ assigned: 2, pending: 0 });
  });

  it("data protection: POST /ops/gdpr/export returns what is held about the customer's phone", async () => {
    const { handler } = await import('#functions/data-protection/gdpr-export.js');
    const exported = await invoke<{ requests: Array<{ id: string }> }>(
      handler,
      apiEvent({
        method: 'POST',
        path: '/ops/gdpr/export',
        headers: bearer(await signer.mint('ops-root', ['operations'])),
        body: { phone: '+447700900101' },
      }),
    );
    expect(exported.status).toBe(200);
    expect(exported.body.requests.map((r) => r.id)).toEqual([first.id]);
  });

  it('weather scaling: a run reads the forecast and records the level it set', async () => {
    const { handler } = await import('#functions/weather-scaling/scale.js');
    const report = (await (handler as Scheduled)({}, lambdaContext('weatherScaling'))) as {
      outcome: string;
      forecast: { available: boolean };
    };
    expect(report.forecast.available).toBe(true);
    expect(report.outcome).toBe('completed');
  });

  it('disaster recovery: drRecover plans, as a dry run, to replay nothing when nothing is lost', async () => {
    const { handler } = await import('#functions/disaster-recovery/recover.js');
    const report = (await (handler as Scheduled)({}, lambdaContext('drRecover'))) as {
      dryRun: boolean;
      plan: { lostFromAudit: number; buffered: number; journalMissing: number };
    };
    expect(report.dryRun).toBe(true);
    // The intakes above left journal copies; every one of them is in the database.
    expect(report.plan).toMatchObject({ lostFromAudit: 0, buffered: 0, journalMissing: 0 });
  });

  it('incidents: an operator opens a P2 by hand, the alarm topic joins nothing to it, the tick runs, and a wrong step is a 409', async () => {
    const { handler } = await import('#functions/incidents/incidents.js');
    const ops = bearer(await signer.mint('root-ops', ['operations']));
    const opened = await invoke(
      handler as never,
      apiEvent({
        method: 'POST',
        path: '/ops/incidents',
        headers: ops,
        body: { title: 'Slow dispatch in the North West', severity: 'P2', areas: ['Manchester'] },
      }),
    );
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const id = opened.body.id as string;
    expect(id).toMatch(/^INC-\d{8}-\d{6}$/);
    // Paged at once (INCIDENT_INTEGRATIONS=log on this stage: logged, not sent).
    expect(opened.body).toMatchObject({ severity: 'P2', status: 'open', paging: { level: 1, pages: 1 } });
    const tick = (await (handler as Scheduled)({}, lambdaContext('incidents'))) as { incidents: number };
    expect(tick.incidents).toBeGreaterThanOrEqual(1);
    const early = await invoke(
      handler as never,
      apiEvent({
        method: 'POST',
        path: `/ops/incidents/${id}/resolve`,
        resource: '/ops/incidents/{id}/{action}',
        pathParameters: { id, action: 'resolve' },
        headers: ops,
        body: {},
      }),
    );
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ currentStatus: 'open' });
    const read = await invoke(
      handler as never,
      apiEvent({
        method: 'GET',
        path: `/ops/incidents/${id}`,
        resource: '/ops/incidents/{id}',
        pathParameters: { id },
        headers: ops,
      }),
    );
    expect(read.status).toBe(200);
    expect(read.body.report).toContain(`# Post-incident report: ${id}`);
    // A technician is not operations.
    const asTech = await invoke(
      handler as never,
      apiEvent({ method: 'GET', path: '/ops/incidents', headers: bearer(await signer.mint(tech, ['technicians'])) }),
    );
    expect(asTech.status).toBe(403);
  });
});
