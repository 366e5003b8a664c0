// GET /ops/live-map on the real engines: the markers are what PostgreSQL and DynamoDB hold, classified by the domain rules.
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHandler as makeCreate } from '#functions/intake/create.js';
import { makeHandler as makeLiveMap } from '#functions/operations/live-map.js';
import { mapStatusOf, slaRisk } from '#shared/domain/live-map.js';
import { emergencyBody } from '../fixtures/emergencies.js';
import { bearer, testAuth } from '../support/auth.js';
import { apiEvent, invoke } from '../support/events.js';
import { seedRequest } from '../support/requests.js';
import { testStack, type TestStack } from '../support/stack.js';
import { seedTechnicianProfiles } from '../support/technicians.js';

const now = new Date('2026-01-14T14:00:00Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
let stack: TestStack;
let opsToken: string;
let technicianToken: string;
const ids: Record<string, string> = {};

interface MapBody {
  generatedAt: string;
  technicians: Array<{
    id: string;
    firstName: string | null;
    status: string;
    location: { lat: number; lon: number };
    lastSeenMinutes: number | null;
    currentJob?: string;
  }>;
  requests: Array<{
    id: string;
    reference: string;
    status: string;
    priority: number;
    location: { lat: number; lon: number };
    waitingMinutes: number;
    slaDeadline: string;
    minutesToDeadline: number;
    risk: string;
    technicianId?: string;
  }>;
  weather: {
    level: string;
    updatedAt: string | null;
    regions: Array<{ region: string; level: string; conditions: string[] }>;
  };
}

beforeAll(async () => {
  const auth = await testAuth();
  stack = await testStack({ env: auth.env, overrides: { clock: { now: () => now } } });
  opsToken = await auth.signer.mint('ops-1', ['operations']);
  technicianToken = await auth.signer.mint('lm-avail', ['technicians']);
  // lm-noprofile has a van app but no directory entry: shown with firstName null.
  await seedTechnicianProfiles(stack, [
    'lm-busy',
    'lm-avail',
    'lm-silent',
    'lm-break',
    'lm-offline',
    'lm-never',
    'test-lm-1',
  ]);
  await stack.sql.query(`UPDATE technicians SET name = 'Priya Shah' WHERE id = 'lm-busy'`);
  const t = stack.deps.technicians;

  // Only lm-busy is free when the first request comes in, so it takes it.
  await t.recordLocation('lm-busy', { location: { lat: 53.8, lon: -1.55 }, recordedAt: minutesAgo(1) });
  await t.setAvailability('lm-busy', 'available');
  const created = await invoke(
    makeCreate(stack.deps),
    apiEvent({
      method: 'POST',
      path: '/emergencies',
      body: emergencyBody({ location: { lat: 53.81, lon: -1.56 }, safety: { onMotorway: false } }),
    }),
  );
  expect(created.body).toMatchObject({ status: 'assigned', technician: { id: 'lm-busy' } });
  ids.assigned = created.body.id as string;

  for (const [id, lat, lon, ago, status] of [
    ['lm-avail', 51.5, -0.12, 0.5, 'available'],
    ['lm-silent', 52.48, -1.9, 10, 'available'],
    ['lm-break', 53.48, -2.24, 1, 'on_break'],
    ['lm-offline', 55.95, -3.19, 1, 'offline'],
    ['lm-noprofile', 51.45, -2.59, 1, 'available'],
    ['test-lm-1', 51.5, -0.12, 1, 'available'],
  ] as const) {
    await t.recordLocation(id, { location: { lat, lon }, recordedAt: minutesAgo(ago) });
    await t.setAvailability(id, status);
  }
  // A technician who set a status before their van ever sent a position: nowhere to draw them.
  expect(await t.setAvailability('lm-never', 'on_break')).toBe('updated');

  ids.late = await seedRequest(stack.sql, { status: 'pending', createdAt: minutesAgo(95).toISOString(), priority: 1 });
  ids.soon = await seedRequest(stack.sql, { status: 'pending', createdAt: minutesAgo(75).toISOString(), priority: 2 });
  ids.fresh = await seedRequest(stack.sql, { status: 'pending', createdAt: minutesAgo(5).toISOString() });
  ids.onSite = await seedRequest(stack.sql, {
    status: 'on_site',
    createdAt: minutesAgo(50).toISOString(),
    onSiteAt: minutesAgo(10).toISOString(),
  });
  ids.synthetic = await seedRequest(stack.sql, {
    status: 'pending',
    createdAt: minutesAgo(95).toISOString(),
    isTest: true,
    phone: '+447700900123',
  });
  ids.completed = await seedRequest(stack.sql, {
    status: 'completed',
    createdAt: minutesAgo(80).toISOString(),
    onSiteAt: minutesAgo(40).toISOString(),
    completedAt: minutesAgo(20).toISOString(),
  });
  ids.cancelled = await seedRequest(stack.sql, {
    status: 'cancelled',
    createdAt: minutesAgo(30).toISOString(),
    cancelledAt: minutesAgo(25).toISOString(),
  });
  await stack.sql.query(`UPDATE emergency_requests SET sla_at_risk = true WHERE id = $1`, [ids.fresh]);

  // Weather scaling's last decision: the North West elevated for wind.
  const version = await stack.deps.scalingState.claim(
    0,
    {
      level: 'elevated',
      since: minutesAgo(30),
      clearRuns: 0,
      fetchFailures: 0,
      reasons: [{ region: 'north-west', level: 'elevated', conditions: ['wind-gusts'] }],
      applied: {},
    },
    { runId: 'run-1', until: new Date(now.getTime() + 60_000) },
    minutesAgo(3),
  );
  expect(version).toBe(1);
}, 120_000);
afterAll(() => stack.close());

const liveMap = (headers: Record<string, string> = {}) =>
  invoke(makeLiveMap(stack.deps), apiEvent({ method: 'GET', path: '/ops/live-map', headers }));

describe('GET /ops/live-map', () => {
  it('shows every real technician by how they read on the map, open real requests by risk, and the weather by region', async () => {
    const response = await liveMap(bearer(opsToken));
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toMatch(/no-store/);
    const body = response.body as unknown as MapBody;
    expect(body.generatedAt).toBe(now.toISOString());
    expect(body.technicians).toEqual([
      {
        id: 'lm-avail',
        firstName: 'Tech1',
        status: 'available',
        location: { lat: 51.5, lon: -0.12 },
        lastSeenMinutes: 0.5,
      },
      {
        id: 'lm-break',
        firstName: 'Tech3',
        status: 'on_break',
        location: { lat: 53.48, lon: -2.24 },
        lastSeenMinutes: 1,
      },
      {
        id: 'lm-busy',
        firstName: 'Priya',
        status: 'busy',
        location: { lat: 53.8, lon: -1.55 },
        lastSeenMinutes: 1,
        currentJob: ids.assigned,
      },
      {
        id: 'lm-noprofile',
        firstName: null,
        status: 'available',
        location: { lat: 51.45, lon: -2.59 },
        lastSeenMinutes: 1,
      },
      {
        id: 'lm-silent',
        firstName: 'Tech2',
        status: 'silent',
        location: { lat: 52.48, lon: -1.9 },
        lastSeenMinutes: 10,
      },
    ]);
    expect(body.requests.map((r) => [r.id, r.risk])).toEqual([
      [ids.late, 'late'],
      [ids.soon, 'at-risk'],
      [ids.fresh, 'at-risk'],
      [ids.onSite, 'on-track'],
      [ids.assigned, 'on-track'],
    ]);
    expect(body.requests[0]).toMatchObject({
      status: 'pending',
      priority: 1,
      waitingMinutes: 95,
      minutesToDeadline: -5,
      slaDeadline: minutesAgo(5).toISOString(),
    });
    expect(body.requests.find((r) => r.id === ids.assigned)).toMatchObject({
      status: 'assigned',
      technicianId: 'lm-busy',
      location: { lat: 53.81, lon: -1.56 },
      waitingMinutes: 0,
      minutesToDeadline: 90,
    });
    expect(body.weather).toEqual({
      level: 'elevated',
      updatedAt: minutesAgo(3).toISOString(),
      regions: [{ region: 'north-west', level: 'elevated', conditions: ['wind-gusts'] }],
    });
  });

  it('draws exactly what is stored: every open real request row and every located, non-offline real technician item', async () => {
    const body = (await liveMap(bearer(opsToken))).body as unknown as MapBody;
    const { rows } = await stack.sql.query(
      `SELECT id, reference, status, priority, latitude, longitude, created_at, sla_deadline, sla_at_risk, eta, on_site_at, technician_id
         FROM emergency_requests WHERE status IN ('pending', 'assigned', 'en_route', 'on_site') AND NOT is_test`,
    );
    expect(body.requests.map((r) => r.id).sort()).toEqual(rows.map((r) => r.id as string).sort());
    for (const row of rows) {
      const marker = body.requests.find((r) => r.id === row.id)!;
      expect(marker).toEqual({
        id: row.id,
        reference: row.reference,
        status: row.status,
        priority: row.priority,
        location: { lat: row.latitude, lon: row.longitude },
        waitingMinutes: Math.round((now.getTime() - (row.created_at as Date).getTime()) / 6_000) / 10,
        slaDeadline: (row.sla_deadline as Date).toISOString(),
        minutesToDeadline: Math.round(((row.sla_deadline as Date).getTime() - now.getTime()) / 60_000),
        risk: slaRisk(
          {
            status: row.status,
            slaDeadline: row.sla_deadline,
            slaAtRisk: row.sla_at_risk,
            eta: row.eta ?? undefined,
            onSiteAt: row.on_site_at ?? undefined,
          },
          now,
        ),
        ...(row.technician_id ? { technicianId: row.technician_id } : {}),
      });
    }
    const { Items = [] } = await stack.deps.dynamo.send(
      new ScanCommand({ TableName: stack.config.tables.locations, ConsistentRead: true }),
    );
    const items = Items.map((i) => unmarshall(i));
    const fresh = new Date(now.getTime() - stack.config.dispatch.freshMinutes * 60_000);
    const drawn = items.filter(
      (i) =>
        !String(i.technicianId).startsWith('test-') &&
        mapStatusOf(
          {
            status: i.status,
            hasLocation: i.lat !== undefined,
            recordedAt: i.recordedAt ? new Date(i.recordedAt as string) : undefined,
            currentJob: i.currentJob,
          },
          fresh,
        ),
    );
    expect(body.technicians.map((t) => t.id)).toEqual(drawn.map((i) => i.technicianId as string).sort());
    for (const item of drawn)
      expect(body.technicians.find((t) => t.id === item.technicianId)!.location).toEqual({
        lat: item.lat,
        lon: item.lon,
      });
    // The fleet holds the test technician, the offline one and the never-located one; none is drawn.
    expect(items.map((i) => i.technicianId)).toEqual(expect.arrayContaining(['test-lm-1', 'lm-offline', 'lm-never']));
  });

  it('never shows a synthetic request or a test technician, even one holding a synthetic job', async () => {
    const test = stack.deps.technicians;
    expect(await test.claim('test-lm-1', ids.synthetic!, now, minutesAgo(2))).toBe(true);
    await stack.sql.query(
      `UPDATE emergency_requests SET status = 'assigned', technician_id = 'test-lm-1', assigned_at = $2, eta = $2 WHERE id = $1`,
      [ids.synthetic, now],
    );
    const body = (await liveMap(bearer(opsToken))).body as unknown as MapBody;
    expect(body.requests.map((r) => r.id)).not.toContain(ids.synthetic);
    expect(body.technicians.map((t) => t.id)).not.toContain('test-lm-1');
    expect(JSON.stringify(body)).not.toContain('test-lm-1');
  });

  it('reads normal weather, never updated, and no fleet needs before weather scaling has run', async () => {
    const auth = await testAuth();
    const other = await testStack({ env: auth.env, overrides: { clock: { now: () => now } } });
    try {
      const response = await invoke(
        makeLiveMap(other.deps),
        apiEvent({
          method: 'GET',
          path: '/ops/live-map',
          headers: bearer(await auth.signer.mint('ops-2', ['operations'])),
        }),
      );
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        generatedAt: now.toISOString(),
        technicians: [],
        requests: [],
        weather: { level: 'normal', updatedAt: null, regions: [] },
        fleetNeeds: null,
      });
    } finally {
      await other.close();
    }
  });

  it('needs the operations role: 401 without a token, 403 for a technician', async () => {
    const anonymous = await liveMap();
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['content-type']).toBe('application/problem+json');
    const technician = await liveMap(bearer(technicianToken));
    expect(technician.status).toBe(403);
    expect(technician.body).toMatchObject({ detail: 'This needs the operations role.' });
  });
});
