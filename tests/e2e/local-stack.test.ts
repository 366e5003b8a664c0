import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort, projectRoot } from '../../scripts/local/engines.js';
import { emergencyBody } from '../fixtures/emergencies.js';
import { exitCode, report, runSmoke } from '../../scripts/smoke.js';
import { assertMatchesContract } from '../support/contract.js';
import { describeWebPages } from './web-pages.js';

// The real `npm start` entry point, over real HTTP, on its own ports and data directory.
let child: ChildProcess;
let base: string;
let output = '';
let ports: { http: number; lambda: number; pg: number; dynamo: number };
let dataDir: string;

const isListening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

async function waitFor(predicate: () => boolean | Promise<boolean>, what: string, ms: number) {
  await vi.waitFor(
    async () => {
      if (!(await predicate()))
        throw new Error(`timed out waiting for ${what}; output so far:\n${output.slice(-3000)}`);
    },
    { timeout: ms, interval: 200 },
  );
}

beforeAll(async () => {
  ports = { http: await freePort(), lambda: await freePort(), pg: await freePort(), dynamo: await freePort() };
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'tyrehero-e2e-'));
  base = `http://localhost:${ports.http}`;
  child = spawn(
    process.execPath,
    [path.join(projectRoot, 'node_modules/tsx/dist/cli.mjs'), 'scripts/start.ts', '--fresh'],
    {
      cwd: projectRoot,
      env: {
        ...process.env,
        PORT: String(ports.http),
        LOCAL_LAMBDA_PORT: String(ports.lambda),
        LOCAL_PG_PORT: String(ports.pg),
        LOCAL_DYNAMODB_PORT: String(ports.dynamo),
        LOCAL_DATA_DIR: dataDir,
        DATABASE_URL: '',
        DYNAMODB_ENDPOINT: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  await waitFor(() => output.includes('TyreHero Dispatch is running at'), 'npm start to announce the API', 180_000);
}, 200_000);

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

const call = async (method: string, route: string, body?: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(`${base}${route}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  assertMatchesContract({
    method,
    path: route,
    status: response.status,
    headers: Object.fromEntries(response.headers.entries()),
    body: text,
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: text ? JSON.parse(text) : undefined,
  };
};

/** A staff access token signed by the stack's local key, as `npm run token` prints it. */
const token = (role: string, subject: string) =>
  execFileSync(
    process.execPath,
    [path.join(projectRoot, 'node_modules/tsx/dist/cli.mjs'), 'scripts/token.ts', role, subject],
    {
      cwd: projectRoot,
      env: { ...process.env, LOCAL_DATA_DIR: dataDir },
      encoding: 'utf8',
    },
  ).trim();

describe('npm start', () => {
  it('prints the base URL, curl examples, a demo tracking link and the ops live view', async () => {
    expect(output).toContain(`running at ${base}`);
    await waitFor(() => output.includes(`${base}/ops/live`), 'the ops live view URL', 60_000);
    expect(output).toMatch(new RegExp(`${base}/t/TH-[2-9A-Z]{6}#[A-Za-z0-9_-]{20,}`));
  }, 90_000);

  it('still prints the curl examples', () => {
    expect(output.match(/curl -s/g)?.length).toBeGreaterThanOrEqual(3);
  });

  it('serves the emergency lifecycle without a stage prefix', async () => {
    const created = await call('POST', '/emergencies', emergencyBody());
    expect(created.status).toBe(201);
    expect(created.body.reference).toMatch(/^TH-/);

    const read = await call('GET', `/emergencies/${created.body.id}`, undefined, {
      'X-Tracking-Token': created.body.trackingToken,
    });
    expect(read.status).toBe(200);
    expect(read.body.status).toBe('assigned');

    const cancelled = await call('POST', `/emergencies/${created.body.id}/cancel`, undefined, {
      'X-Tracking-Token': created.body.trackingToken,
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
  });

  it('dispatches a seeded technician near the M1, whose token from `npm run token` drives the job to completed', async () => {
    const created = await call('POST', '/emergencies', { ...emergencyBody(), location: { lat: 51.88, lon: -0.42 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'assigned',
      technician: { id: expect.stringMatching(/^tech-/), firstName: expect.any(String) },
      etaMinutes: expect.any(Number),
    });
    expect(created.body.etaMinutes).toBeLessThan(90);
    const technicianId = created.body.technician.id as string;
    const asTechnician = { Authorization: `Bearer ${token('technician', technicianId)}` };

    expect(
      (
        await call('POST', `/jobs/${created.body.id}/accept`, undefined, {
          Authorization: `Bearer ${token('technician', 'tech-gla-01')}`,
        })
      ).status,
    ).toBe(403);
    for (const [action, status] of [
      ['accept', 'assigned'],
      ['en-route', 'en_route'],
    ]) {
      const step = await call('POST', `/jobs/${created.body.id}/${action}`, undefined, asTechnician);
      expect(step, action).toMatchObject({ status: 200, body: { status } });
    }
    // Proof of arrival: not from where the van set off, only once its position is at the breakdown.
    const early = await call('POST', `/jobs/${created.body.id}/arrived`, undefined, asTechnician);
    expect(early).toMatchObject({
      status: 409,
      body: { reason: expect.stringMatching(/^(too-far|no-fresh-position)$/) },
    });
    const fix = await call(
      'PUT',
      `/technicians/${technicianId}/location`,
      { lat: 51.8801, lon: -0.4201, recordedAt: new Date().toISOString() },
      asTechnician,
    );
    expect(fix).toMatchObject({ status: 200, body: { applied: true } });
    expect(await call('POST', `/jobs/${created.body.id}/arrived`, undefined, asTechnician)).toMatchObject({
      status: 200,
      body: { status: 'on_site' },
    });
    // The customer's tracking page shows the code; the technician completes with it.
    const onSite = await call('GET', `/emergencies/${created.body.id}`, undefined, {
      'X-Tracking-Token': created.body.trackingToken,
    });
    expect(onSite.body).toMatchObject({ status: 'on_site', arrivalCode: expect.stringMatching(/^[0-9]{4}$/) });
    const wrong = String((Number(onSite.body.arrivalCode) + 1) % 10_000).padStart(4, '0');
    expect((await call('POST', `/jobs/${created.body.id}/complete`, { arrivalCode: wrong }, asTechnician)).status).toBe(
      422,
    );
    const done = await call(
      'POST',
      `/jobs/${created.body.id}/complete`,
      { arrivalCode: onSite.body.arrivalCode },
      asTechnician,
    );
    expect(done).toMatchObject({ status: 200, body: { status: 'completed', completedBy: 'code' } });
    const read = await call('GET', `/emergencies/${created.body.id}`, undefined, {
      'X-Tracking-Token': created.body.trackingToken,
    });
    expect(read.body.status).toBe('completed');
    const queue = await call('GET', '/ops/queue', undefined, {
      Authorization: `Bearer ${token('operations', 'ops-e2e')}`,
    });
    expect(queue.status).toBe(200);
    expect(queue.body.availableTechnicians.technicians.map((t: { id: string }) => t.id)).toContain(technicianId);
    const deepHealth = await call('GET', '/ops/health', undefined, {
      Authorization: `Bearer ${token('operations', 'ops-e2e')}`,
    });
    expect(deepHealth).toMatchObject({
      status: 200,
      body: { status: 'healthy', checks: { postgres: { status: 'ok' } } },
    });
  });

  it('shows a new request on the operations live map, where a dispatcher reassigns it and then cancels it', async () => {
    const ops = { Authorization: `Bearer ${token('operations', 'ops-e2e')}` };
    const created = await call('POST', '/emergencies', { ...emergencyBody(), location: { lat: 53.48, lon: -2.24 } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const map = await call('GET', '/ops/live-map', undefined, ops);
    expect(map.status).toBe(200);
    expect(map.body.requests.find((r: { id: string }) => r.id === id)).toMatchObject({
      reference: created.body.reference,
      status: created.body.status,
      location: { lat: 53.48, lon: -2.24 },
      risk: expect.any(String),
    });
    const holder = created.body.technician?.id as string | undefined;
    if (holder)
      expect(map.body.technicians.find((t: { id: string }) => t.id === holder)).toMatchObject({
        status: 'busy',
        currentJob: id,
        firstName: expect.any(String),
      });

    const reassigned = await call(
      'POST',
      `/ops/requests/${id}/reassign`,
      { reason: 'e2e: van recalled to the depot' },
      ops,
    );
    expect(reassigned).toMatchObject({
      status: 200,
      body: { id, status: expect.stringMatching(/^(assigned|pending)$/) },
    });
    if (holder) expect(reassigned.body.previousTechnicianId).toBe(holder);
    expect(reassigned.body.technicianId).not.toBe(holder ?? 'nobody');
    const cancelled = await call('POST', `/ops/requests/${id}/cancel`, { reason: 'e2e: customer towed away' }, ops);
    expect(cancelled).toMatchObject({ status: 200, body: { id, status: 'cancelled' } });
    expect((await call('POST', `/ops/requests/${id}/cancel`, { reason: 'e2e: again' }, ops)).status).toBe(409);
    const after = await call('GET', '/ops/live-map', undefined, ops);
    expect(after.body.requests.map((r: { id: string }) => r.id)).not.toContain(id);
  });

  it('answers malformed JSON with a problem+json 400', async () => {
    const response = await call('POST', '/emergencies', '{"customer":');
    expect(response.status).toBe(400);
    expect(response.contentType).toContain('application/problem+json');
  });

  it('reports healthy (shallow and deep) and serves the OpenAPI document', async () => {
    const health = await call('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    const openapi = await call('GET', '/openapi.json');
    expect(openapi.body.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.body.paths)).toContain('/emergencies');
  });

  it('serves Swagger UI at /docs from the installed package, rendering the served document', async () => {
    const redirect = await fetch(`${base}/docs`, { redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([302, '/docs/']);
    const page = await fetch(`${base}/docs/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('swagger-ui-bundle.js');
    expect(html).not.toMatch(/src="https?:/);
    const initializer = await (await fetch(`${base}/docs/swagger-initializer.js`)).text();
    expect(initializer).toContain("url: '/openapi.json'");
    expect(initializer).toContain('validatorUrl: null');
    const bundle = await fetch(`${base}/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });

  it('answers 30 simultaneous emergencies at one point in the City of London with 201 or 202, each with a token that reads it back', async () => {
    const city = { lat: 51.5155, lon: -0.0922 };
    const answers = await Promise.all(
      Array.from({ length: 30 }, () =>
        call('POST', '/emergencies', { ...emergencyBody(), location: city }, { 'Idempotency-Key': randomUUID() }),
      ),
    );

    const summary = JSON.stringify(answers.map((a) => [a.status, a.body?.status ?? a.body?.title]));
    expect(
      answers.filter((a) => a.status !== 201 && a.status !== 202),
      summary,
    ).toEqual([]);
    for (const answer of answers) expect(answer.body.trackingToken, summary).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(30);

    const reads = await Promise.all(
      answers.map((a) =>
        call('GET', `/emergencies/${a.body.id}`, undefined, { 'X-Tracking-Token': a.body.trackingToken }),
      ),
    );
    expect(reads.map((r) => r.status)).toEqual(answers.map(() => 200));
    expect(reads.map((r) => r.body.reference)).toEqual(answers.map((a) => a.body.reference));
  }, 120_000);

  it('exports and erases a customer (GDPR): afterwards no route and no log line holds their name, number, notes or position', async () => {
    const ops = { Authorization: `Bearer ${token('operations', 'ops-gdpr-e2e')}` };
    const person = {
      name: 'Gwendolyn Erasable',
      phone: '07700 900991',
      notes: 'Beside the yellow gate',
      registration: 'GW12 ERA',
    };
    const created = await call(
      'POST',
      '/emergencies',
      {
        ...emergencyBody(),
        customer: { name: person.name, phone: person.phone },
        notes: person.notes,
        vehicle: { makeModel: 'Skoda Octavia', registration: person.registration },
        location: { lat: 52.2053, lon: 0.1218 },
      },
      { 'Idempotency-Key': randomUUID() },
    );
    expect([201, 202]).toContain(created.status);
    const tracking = { 'X-Tracking-Token': created.body.trackingToken as string };

    // Open requests cannot be erased; once cancelled they can.
    expect((await call('POST', '/ops/gdpr/erase', { phone: person.phone }, ops)).status).toBe(409);
    expect((await call('POST', `/emergencies/${created.body.id}/cancel`, undefined, tracking)).status).toBe(200);
    const exported = await call('POST', '/ops/gdpr/export', { phone: person.phone }, ops);
    expect(exported.status).toBe(200);
    expect(exported.body.requests).toEqual([
      expect.objectContaining({ id: created.body.id, customerName: person.name, notes: person.notes }),
    ]);

    const erased = await call('POST', '/ops/gdpr/erase', { phone: person.phone }, ops);
    expect(erased).toMatchObject({ status: 200, body: { erased: 1, requestIds: [created.body.id] } });
    const again = await call('POST', '/ops/gdpr/export', { phone: person.phone }, ops);
    expect(again.body).toMatchObject({ requests: [], statusHistory: [], auditTrail: [], notifications: [] });
    const read = await call('GET', `/emergencies/${created.body.id}`, undefined, tracking);
    expect(read.body.location).toEqual({ lat: 52.21, lon: 0.12 });
    const queue = await call('GET', '/ops/queue', undefined, ops);
    // The export echoes the number it was asked about (the caller supplied it); nothing else may hold any of it.
    const { phone: _asked, ...exportedAfter } = again.body as Record<string, unknown>;
    const seen = { routes: JSON.stringify([read.body, queue.body, exportedAfter]), logs: output };
    for (const secret of [person.name, 'Gwendolyn', '900991', person.notes, 'GW12', '52.2053']) {
      expect(seen.routes, `${secret} in a route's answer`).not.toContain(secret);
      expect(seen.logs, `${secret} in the stack's log`).not.toContain(secret);
    }
  }, 120_000);

  it('passes the first-deploy smoke check (npm run smoke), the same code a deployed stage is checked with', async () => {
    // A technician of no fleet: the location update leaves them offline, so no other test's dispatch can pick them.
    const results = await runSmoke({
      base,
      technicianToken: token('technician', 'tech-smoke-e2e'),
      operationsToken: token('operations', 'ops-smoke-e2e'),
      fetch,
    });
    expect(
      results.map((r) => [r.call, r.outcome]),
      report(results),
    ).toEqual([
      ['POST /emergencies (synthetic intake)', 'pass'],
      ['PUT /technicians/{id}/location', 'pass'],
      ['GET /emergencies/{id} (tracking)', 'pass'],
      ['GET /ops/health', 'pass'],
      ['POST /emergencies/{id}/cancel (clean-up)', 'pass'],
    ]);
    expect(exitCode(results, false)).toBe(0);

    // The command itself: --url instead of a stack's output, and a missing token is a skip that fails the run.
    const cli = spawnSync(
      process.execPath,
      [
        path.join(projectRoot, 'node_modules/tsx/dist/cli.mjs'),
        'scripts/smoke.ts',
        '--url',
        base,
        '--technician-token',
        token('technician', 'tech-smoke-e2e'),
      ],
      {
        cwd: projectRoot,
        env: { ...process.env, SMOKE_OPERATIONS_TOKEN: '' },
        encoding: 'utf8',
      },
    );
    expect(cli.stdout).toMatch(/^SKIP +GET \/ops\/health +- +skipped: no operations token/m);
    expect(cli.stdout).toMatch(/^PASS +POST \/emergencies \(synthetic intake\) +201 /m);
    expect(cli.status, cli.stdout + cli.stderr).toBe(1);
  }, 60_000);

  // The browser tests of the two web pages, on this same stack, before it is stopped.
  describeWebPages(() => ({ base, output: () => output, dataDir, pgPort: ports.pg, lambdaPort: ports.lambda }));

  it('stops everything it started on Ctrl-C', async () => {
    child.kill('SIGINT');
    await waitFor(() => child.exitCode !== null, 'npm start to exit', 60_000);
    // 130 = 128 + SIGINT, what a shell expects of a program stopped with Ctrl-C.
    expect(child.exitCode).toBe(130);
    for (const [name, port] of Object.entries(ports))
      expect(await isListening(port), `${name} port ${port} still open`).toBe(false);
  }, 70_000);
});
