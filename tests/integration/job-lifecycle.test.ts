import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHandler as makeCreate } from '#functions/intake/create.js';
import { makeHandler as makeGet } from '#functions/tracking/get.js';
import { makeJobActionHandler } from '#functions/jobs/job-action.js';
import { makeHandler as makeLocation } from '#functions/technicians/location.js';
import { makeHandler as makeStatus } from '#functions/technicians/status.js';
import type { TechnicianAction } from '#functions/jobs/job-actions.js';
import { emergencyBody } from '../fixtures/emergencies.js';
import { apiEvent, invoke } from '../support/events.js';
import { bearer, testAuth } from '../support/auth.js';
import { testStack, type TestStack } from '../support/stack.js';
import { seedTechnicianProfiles } from '../support/technicians.js';
import type { LocalSigner } from '../../scripts/local/auth.js';

let stack: TestStack;
let signer: LocalSigner;
const techs = ['life-a', 'life-b'];
const token: Record<string, string> = {};

beforeAll(async () => {
  const auth = await testAuth();
  signer = auth.signer;
  // Dispatch's policy is not under test here: greedy gives each new job the nearest van at once, whatever else waits
  // nearby, which these steps build on (the batched policy may leave a job for the window: batched-dispatch.test.ts).
  stack = await testStack({ env: { ...auth.env, DISPATCH_POLICY: 'greedy' } });
  await seedTechnicianProfiles(stack, techs);
  for (const id of techs) token[id] = await signer.mint(id, ['technicians']);
});
afterAll(() => stack.close());

const putLocation = (id: string, lat: number, lon: number, as = id, recordedAt = new Date().toISOString()) =>
  invoke(
    makeLocation(stack.deps),
    apiEvent({
      method: 'PUT',
      path: `/technicians/${id}/location`,
      pathParameters: { id },
      headers: bearer(token[as] ?? as),
      body: { lat, lon, recordedAt },
    }),
  );
const putStatus = (id: string, status: string, as = id) =>
  invoke(
    makeStatus(stack.deps),
    apiEvent({
      method: 'PUT',
      path: `/technicians/${id}/status`,
      pathParameters: { id },
      headers: bearer(token[as] ?? as),
      body: { status },
    }),
  );
const act = (action: TechnicianAction, jobId: string, as: string, body?: unknown) =>
  invoke(
    makeJobActionHandler(action)(stack.deps),
    apiEvent({
      method: 'POST',
      path: `/jobs/${jobId}/${action}`,
      pathParameters: { id: jobId },
      headers: bearer(token[as] ?? as),
      body,
    }),
  );
const statusOf = async (id: string) =>
  (await stack.sql.query('SELECT status, technician_id FROM emergency_requests WHERE id = $1', [id])).rows[0];

async function newJobNear(lat: number, lon: number) {
  const created = await invoke(
    makeCreate(stack.deps),
    apiEvent({
      method: 'POST',
      path: '/emergencies',
      body: emergencyBody({ location: { lat, lon }, safety: { onMotorway: false } }),
    }),
  );
  expect(created.status).toBe(201);
  return created.body as { id: string; trackingToken: string; technician?: { id: string } };
}

describe('technician presence', () => {
  it('records a location and availability for the technician themself', async () => {
    expect((await putLocation('life-a', 53.48, -2.24)).body).toEqual({ applied: true });
    expect((await putStatus('life-a', 'available')).status).toBe(200);
    expect(await stack.deps.technicians.position('life-a')).toMatchObject({
      status: 'available',
      location: { lat: 53.48, lon: -2.24 },
    });
  });

  it('refuses to let one technician move another, with 403', async () => {
    const response = await putLocation('life-a', 51, 0, 'life-b');
    expect(response.status).toBe(403);
    expect((await stack.deps.technicians.position('life-a'))?.location).toEqual({ lat: 53.48, lon: -2.24 });
  });

  it('answers an out-of-order fix with applied: false and keeps the newer one', async () => {
    const response = await putLocation('life-a', 50, -4, 'life-a', new Date(Date.now() - 60_000).toISOString());
    expect(response.body).toMatchObject({ applied: false });
    expect((await stack.deps.technicians.position('life-a'))?.location).toEqual({ lat: 53.48, lon: -2.24 });
  });

  it('refuses impossible coordinates and unknown statuses with 422', async () => {
    expect((await putLocation('life-a', 123, 0)).status).toBe(422);
    expect((await putStatus('life-a', 'asleep')).status).toBe(422);
  });
});

describe('job lifecycle', () => {
  it('drives a job from assigned to completed, stamping and auditing each step, then frees the technician', async () => {
    await putLocation('life-b', 53.47, -2.25);
    await putStatus('life-b', 'on_break');
    const job = await newJobNear(53.481, -2.243);
    expect(job.technician?.id).toBe('life-a');

    expect((await act('accept', job.id, 'life-a')).body).toMatchObject({ status: 'assigned' });
    expect((await act('en-route', job.id, 'life-a')).body).toMatchObject({ status: 'en_route' });

    await putLocation('life-a', 53.475, -2.24);
    const followed = await invoke(
      makeGet(stack.deps),
      apiEvent({
        method: 'GET',
        path: `/emergencies/${job.id}`,
        pathParameters: { id: job.id },
        headers: { 'X-Tracking-Token': job.trackingToken },
      }),
    );
    expect(followed.body).toMatchObject({
      status: 'en_route',
      technicianLocation: { lat: 53.475, lon: -2.24 },
      etaMinutes: expect.any(Number),
    });
    expect(followed.body.etaMinutes as number).toBeLessThan(10);

    // 600 m out is not there yet; at the breakdown it is.
    expect((await act('arrived', job.id, 'life-a')).body).toMatchObject({
      status: 409,
      reason: 'too-far',
      currentStatus: 'en_route',
    });
    await putLocation('life-a', 53.481, -2.243);
    expect((await act('arrived', job.id, 'life-a')).body).toMatchObject({ status: 'on_site' });
    // The customer reads out the code their tracking page shows.
    const onSite = await invoke(
      makeGet(stack.deps),
      apiEvent({
        method: 'GET',
        path: `/emergencies/${job.id}`,
        pathParameters: { id: job.id },
        headers: { 'X-Tracking-Token': job.trackingToken },
      }),
    );
    expect((await act('complete', job.id, 'life-a', { arrivalCode: onSite.body.arrivalCode })).body).toMatchObject({
      status: 'completed',
      completedBy: 'code',
    });

    const { rows } = await stack.sql.query(
      'SELECT accepted_at, en_route_at, on_site_at, completed_at FROM emergency_requests WHERE id = $1',
      [job.id],
    );
    expect(Object.values(rows[0]).every((v) => v instanceof Date)).toBe(true);
    const audit = await stack.sql.query(
      `SELECT new_row->>'status' AS status FROM emergency_requests_audit WHERE request_id = $1 AND operation = 'UPDATE' AND old_row->>'status' IS DISTINCT FROM new_row->>'status' ORDER BY audit_id`,
      [job.id],
    );
    expect(audit.rows.map((r) => r.status)).toEqual(['assigned', 'en_route', 'on_site', 'completed']);
    expect(await stack.deps.technicians.position('life-a')).toMatchObject({ status: 'available' });
    expect((await stack.deps.technicians.position('life-a'))?.currentJob).toBeUndefined();
  });

  it('answers an illegal transition with 409 and the current status', async () => {
    const job = await newJobNear(53.482, -2.244);
    const response = await act('arrived', job.id, 'life-a');
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ currentStatus: 'assigned' });
    await act('decline', job.id, 'life-a');
  });

  it('refuses another technician with 403 and leaves the job alone', async () => {
    const job = await newJobNear(53.483, -2.245);
    const response = await act('accept', job.id, 'life-b');
    expect(response.status).toBe(403);
    expect(await statusOf(job.id)).toMatchObject({ status: 'assigned', technician_id: 'life-a' });
    await act('decline', job.id, 'life-a');
  });

  it('puts a declined job back to pending, frees the decliner and re-offers it to someone else', async () => {
    await putStatus('life-b', 'available');
    const job = await newJobNear(53.48, -2.24);
    const first = job.technician!.id;
    const declined = await act('decline', job.id, first);
    expect(declined.status).toBe(200);
    const after = await statusOf(job.id);
    const other = techs.find((t) => t !== first)!;
    expect(after).toEqual({ status: 'assigned', technician_id: other });
    const { rows } = await stack.sql.query('SELECT declined_by FROM emergency_requests WHERE id = $1', [job.id]);
    expect(rows[0].declined_by).toContain(first);
    expect(await stack.deps.technicians.position(first)).toMatchObject({ status: 'available' });
    await act('decline', job.id, other);
    expect(await statusOf(job.id)).toEqual({ status: 'pending', technician_id: null });
  });

  it('answers a job that does not exist with 404 and no token with 401', async () => {
    expect((await act('accept', crypto.randomUUID(), 'life-a')).status).toBe(404);
    const anonymous = await invoke(
      makeJobActionHandler('accept')(stack.deps),
      apiEvent({ method: 'POST', path: '/jobs/x/accept', pathParameters: { id: crypto.randomUUID() } }),
    );
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');
  });
});
