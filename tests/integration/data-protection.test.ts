// Data protection on the real engines: idempotent steps, sealed phone numbers, the per-phone limit, GDPR export and
// erasure, and retention that leaves every aggregate figure as it was.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.setConfig({ testTimeout: 180_000 });
import { makeHandler as makeCreate } from '#functions/intake/create.js';
import { makeHandler as makeGet } from '#functions/tracking/get.js';
import { makeHandler as makeRate } from '#functions/tracking/rate.js';
import { makeJobActionHandler } from '#functions/jobs/job-action.js';
import { makeHandler as makeErase } from '#functions/data-protection/gdpr-erase.js';
import { makeHandler as makeExport } from '#functions/data-protection/gdpr-export.js';
import { makeHandler as makeRetention } from '#functions/data-protection/retention.js';
import type { TechnicianAction } from '#functions/jobs/job-actions.js';
import { emergencyBody } from '../fixtures/emergencies.js';
import { bearer, testAuth } from '../support/auth.js';
import { apiEvent, invoke, lambdaContext, ran } from '../support/events.js';
import { seedRequest } from '../support/requests.js';
import { arrivalCodeOf, vanAtBreakdown } from '../support/arrival.js';
import { testStack, type TestStack } from '../support/stack.js';
import { seedTechnicianProfiles } from '../support/technicians.js';

let stack: TestStack;
let now = new Date('2026-03-02T10:00:00Z');
const token: Record<string, string> = {};
const tech = 'dp-a';

beforeAll(async () => {
  const auth = await testAuth();
  // Each read of the clock moves it on a second, so every step has its own time and fixes stay fresh.
  stack = await testStack({
    env: { ...auth.env, INTAKE_LIMIT_PER_PHONE_HOUR: '3', DEDUP_WINDOW_MINUTES: '0' },
    overrides: { clock: { now: () => (now = new Date(now.getTime() + 1000)) } },
  });
  await seedTechnicianProfiles(stack, [tech]);
  token[tech] = await auth.signer.mint(tech, ['technicians']);
  token.ops = await auth.signer.mint('ops-dp', ['operations']);
}, 60_000);
afterAll(() => stack.close());

// The Lambda context's remaining time bounds middy's timeout; these tests give it a minute because the shared
// machine's DynamoDB Local can take several seconds per call under load (production keeps its 10 s).
const patient = () => lambdaContext('tyrehero-dispatch-test-fn', 60_000);
const create = (body: Record<string, unknown>) =>
  invoke(makeCreate(stack.deps), apiEvent({ method: 'POST', path: '/emergencies', body }), patient());
const act = (action: TechnicianAction, jobId: string, body?: unknown) =>
  invoke(
    makeJobActionHandler(action)(stack.deps),
    apiEvent({
      method: 'POST',
      path: `/jobs/${jobId}/${action}`,
      pathParameters: { id: jobId },
      headers: bearer(token[tech]!),
      body,
    }),
    patient(),
  );
const gdpr = (what: 'export' | 'erase', phone: string) =>
  invoke(
    (what === 'export' ? makeExport : makeErase)(stack.deps),
    apiEvent({ method: 'POST', path: `/ops/gdpr/${what}`, headers: bearer(token.ops!), body: { phone } }),
    patient(),
  );

async function technicianReadyNear(lat: number, lon: number) {
  await stack.deps.technicians.recordLocation(tech, { location: { lat, lon }, recordedAt: now });
  await stack.deps.technicians.setAvailability(tech, 'available');
}

async function assignedJob(body: Record<string, unknown>) {
  await technicianReadyNear(53.8, -1.55);
  const created = await create(
    emergencyBody({ location: { lat: 53.8012, lon: -1.5523 }, safety: { onMotorway: false }, ...body }),
  );
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ status: 'assigned', technician: { id: tech } });
  return created.body as { id: string; trackingToken: string };
}

describe('repeated steps', () => {
  it('answers concurrent accepts alike, with one stamp and one audit row', async () => {
    const job = await assignedJob({});
    const answers = await Promise.all(Array.from({ length: 6 }, () => act('accept', job.id)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    const audit = await stack.sql.query(
      `SELECT count(*)::int AS n FROM emergency_requests_audit WHERE request_id = $1 AND operation = 'UPDATE' AND old_row->>'accepted_at' IS NULL AND new_row->>'accepted_at' IS NOT NULL`,
      [job.id],
    );
    expect(audit.rows[0].n).toBe(1);
    const stamped = await stack.sql.query(
      `SELECT count(*)::int AS n FROM emergency_requests_audit WHERE request_id = $1 AND new_row->>'accepted_at' IS DISTINCT FROM old_row->>'accepted_at'`,
      [job.id],
    );
    expect(stamped.rows[0].n).toBe(1);
    // Racing a cancellation: whatever wins, no stamp is later than the cancellation.
    const [cancelled] = await Promise.all([
      stack.deps.requests.transition(job.id, 'cancel', () => stack.deps.clock.now()),
      act('accept', job.id),
    ]);
    expect(cancelled.kind).toBe('applied');
    const { rows } = await stack.sql.query('SELECT accepted_at, cancelled_at FROM emergency_requests WHERE id = $1', [
      job.id,
    ]);
    expect(rows[0].accepted_at.getTime()).toBeLessThan(rows[0].cancelled_at.getTime());
    await stack.deps.technicians.release(tech, job.id);
  });

  it('answers a repeated en-route without texting the customer again', async () => {
    const job = await assignedJob({});
    await act('en-route', job.id);
    const before = (
      await stack.sql.query('SELECT count(*)::int AS n FROM customer_notifications WHERE request_id = $1', [job.id])
    ).rows[0].n;
    const again = await act('en-route', job.id);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'en_route' });
    expect(
      (await stack.sql.query('SELECT count(*)::int AS n FROM customer_notifications WHERE request_id = $1', [job.id]))
        .rows[0].n,
    ).toBe(before);
    await stack.deps.requests.transition(job.id, 'cancel', now);
    await stack.deps.technicians.release(tech, job.id);
  });
});

describe('phone numbers at rest', () => {
  it('stores only the sealed number and its keyed hash, in the row and in the audit trail, and still reads it back', async () => {
    const created = await create(emergencyBody({ customer: { name: 'Rest Test', phone: '07700 900444' } }));
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const { rows } = await stack.sql.query(
      'SELECT phone, phone_hash, phone_sealed FROM emergency_requests WHERE id = $1',
      [id],
    );
    expect(rows[0].phone).toBeNull();
    expect(rows[0].phone_hash).toBe(await stack.deps.phones.lookupHash('+447700900444'));
    expect(rows[0].phone_sealed).toMatch(/^v1\.local\./);
    const audit = await stack.sql.query(
      'SELECT new_row::text AS row FROM emergency_requests_audit WHERE request_id = $1',
      [id],
    );
    for (const a of audit.rows) expect(a.row).not.toMatch(/7700\s?900\s?444/);
    expect((await stack.deps.requests.findById(id))?.phone).toBe('+447700900444');
    await stack.deps.requests.transition(id, 'cancel', now);
  });
});

describe('per-phone intake limit', () => {
  it('answers the fourth request in an hour from one phone with 429, Retry-After and a call-999 reminder, storing nothing', async () => {
    const phone = '07700 900555';
    for (let i = 0; i < 3; i++) {
      const ok = await create(emergencyBody({ customer: { name: 'Limit Test', phone } }));
      expect(ok.status).toBe(201);
      await stack.deps.requests.transition(ok.body.id as string, 'cancel', now);
    }
    const count = async () => (await stack.sql.query('SELECT count(*)::int AS n FROM emergency_requests')).rows[0].n;
    const before = await count();
    const refused = await create(emergencyBody({ customer: { name: 'Limit Test', phone } }));
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toBe('application/problem+json');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(3600);
    expect(refused.body.detail).toContain('call 999');
    expect(await count()).toBe(before);
    // Another phone is not affected.
    expect((await create(emergencyBody())).status).toBe(201);
  });
});

describe('GDPR', () => {
  const phone = '07700 900666';
  let job: { id: string; trackingToken: string };

  it('refuses to erase while a request is open, and exports everything held meanwhile', async () => {
    job = await assignedJob({
      customer: { name: 'Gwen Erasable', phone },
      notes: 'Blue car by the gate',
      vehicle: { makeModel: 'Kia Ceed', registration: 'GW12 ERA' },
      address: '1 Secret Lane',
    });
    await act('accept', job.id);
    await act('en-route', job.id);

    const refused = await gdpr('erase', phone);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ openReferences: [expect.stringMatching(/^TH-/)] });
    expect(
      (await stack.sql.query('SELECT customer_name FROM emergency_requests WHERE id = $1', [job.id])).rows[0]
        .customer_name,
    ).toBe('Gwen Erasable');

    const exported = await gdpr('export', '+44 7700 900666');
    expect(exported.status).toBe(200);
    const doc = exported.body as {
      requests: Record<string, unknown>[];
      statusHistory: { status: string }[];
      auditTrail: unknown[];
      notifications: { purpose: string }[];
    };
    expect(doc.requests).toEqual([
      expect.objectContaining({
        id: job.id,
        customerName: 'Gwen Erasable',
        phone: '+447700900666',
        notes: 'Blue car by the gate',
        address: '1 Secret Lane',
      }),
    ]);
    expect(doc.statusHistory.map((s) => s.status)).toEqual(['pending', 'assigned', 'en_route']);
    expect(doc.auditTrail.length).toBeGreaterThanOrEqual(4);
    expect(doc.notifications.map((n) => n.purpose)).toEqual(['customer-assigned', 'customer-en-route']);
    expect(JSON.stringify(doc)).not.toMatch(/phone_sealed|tracking_token_hash|phone_hash/);
  });

  it('erases a closed customer everywhere and records the erasure without personal data', async () => {
    await vanAtBreakdown(stack, job.id, tech);
    expect((await act('arrived', job.id)).status).toBe(200);
    expect((await act('complete', job.id, { arrivalCode: await arrivalCodeOf(stack, job.id) })).status).toBe(200);
    // A rating's comment is the customer's own words: erased with the rest (the score stays, for the figures).
    const rated = await invoke(
      makeRate(stack.deps),
      apiEvent({
        method: 'POST',
        path: `/emergencies/${job.id}/rating`,
        pathParameters: { id: job.id },
        headers: { 'X-Tracking-Token': job.trackingToken },
        body: { rating: 5, comment: 'Gwen says thanks from Secret Lane' },
      }),
    );
    expect(rated.status).toBe(201);
    const erased = await gdpr('erase', phone);
    expect(erased.status).toBe(200);
    expect(erased.body).toEqual({ erased: 1, requestIds: [job.id] });

    const { rows } = await stack.sql.query('SELECT * FROM emergency_requests WHERE id = $1', [job.id]);
    expect(rows[0]).toMatchObject({
      customer_name: 'erased',
      phone: null,
      phone_hash: null,
      phone_sealed: null,
      postcode: null,
      address: null,
      notes: null,
      rating_comment: null,
      rating: 5,
      vehicle_registration: null,
      latitude: 53.8,
      longitude: -1.55,
    });
    expect(rows[0].anonymised_at).toBeInstanceOf(Date);
    const everything = await stack.sql.query(
      `SELECT (SELECT json_agg(a) FROM emergency_requests_audit a WHERE request_id = $1)::text AS audit,
              (SELECT json_agg(n) FROM customer_notifications n WHERE request_id = $1)::text AS sent,
              (SELECT json_agg(e) FROM data_erasures e)::text AS erasures`,
      [job.id],
    );
    const text = Object.values(everything.rows[0]).join(' ');
    for (const personal of [
      'Gwen',
      'Blue car',
      'Secret Lane',
      'GW12ERA',
      '7700900666',
      '53.8012',
      '1.5523',
      await stack.deps.phones.lookupHash('+447700900666'),
    ]) {
      expect(text, personal).not.toContain(personal);
    }
    expect(everything.rows[0].erasures).toContain(job.id);

    // No route finds it any more.
    const again = await gdpr('export', phone);
    expect(again.body).toMatchObject({ requests: [], auditTrail: [], notifications: [] });
    const tracked = await invoke(
      makeGet(stack.deps),
      apiEvent({
        method: 'GET',
        path: `/emergencies/${job.id}`,
        pathParameters: { id: job.id },
        headers: { 'X-Tracking-Token': job.trackingToken },
      }),
    );
    expect(JSON.stringify(tracked.body)).not.toMatch(/Gwen|53\.8012|GW12/);
    await stack.deps.technicians.release(tech, job.id);
  });
});

describe('retention', () => {
  it('anonymises requests closed more than 30 days ago and leaves every aggregate figure unchanged', async () => {
    const day = (d: string, t = '10:00') => `2026-${d}T${t}:00Z`;
    const old = await seedRequest(stack.sql, {
      status: 'completed',
      createdAt: day('01-10'),
      onSiteAt: day('01-10', '10:50'),
      completedAt: day('01-10', '11:30'),
      phone: '+447700900771',
    });
    const oldCancelled = await seedRequest(stack.sql, {
      status: 'cancelled',
      createdAt: day('01-12'),
      cancelledAt: day('01-12', '12:00'),
      phone: '+447700900772',
    });
    const recent = await seedRequest(stack.sql, {
      status: 'completed',
      createdAt: day('02-25'),
      onSiteAt: day('02-25', '10:40'),
      completedAt: day('02-25', '11:00'),
      phone: '+447700900773',
    });
    const open = await seedRequest(stack.sql, { status: 'pending', createdAt: day('01-05'), phone: '+447700900774' });

    const figures = async () => {
      const m = stack.deps.metricsStore;
      const since = new Date('2025-12-01T00:00:00Z');
      const until = new Date('2026-03-03T00:00:00Z');
      return {
        open: await m.countOpenByStatus(),
        completed: await m.countCompleted(since, until),
        window: await m.responseWindow(since, until),
        overdue: await m.countOpenPastDeadline(until),
      };
    };
    const before = await figures();
    const result = ran(await makeRetention(stack.deps)({}, lambdaContext('retention')));
    expect(result.anonymised).toBeGreaterThanOrEqual(2);
    expect(await figures()).toEqual(before);

    const { rows } = await stack.sql.query(
      'SELECT id, customer_name, anonymised_at IS NOT NULL AS anonymised FROM emergency_requests WHERE id = ANY($1::uuid[])',
      [[old, oldCancelled, recent, open]],
    );
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(byId[old]).toMatchObject({ customer_name: 'erased', anonymised: true });
    expect(byId[oldCancelled]).toMatchObject({ customer_name: 'erased', anonymised: true });
    expect(byId[recent]).toMatchObject({ anonymised: false });
    expect(byId[open]).toMatchObject({ anonymised: false });
    expect(
      (await stack.sql.query(`SELECT count(*)::int AS n FROM data_erasures WHERE reason = 'retention'`)).rows[0].n,
    ).toBe(1);
  });
});
