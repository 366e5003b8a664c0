// POST /ops/requests/{id}/reassign and /cancel on the real engines: the audit trail, the index, the messages, and races.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeJobActionHandler } from '#functions/jobs/job-action.js';
import { makeHandler as makeCancel } from '#functions/operations/cancel-request.js';
import { makeHandler as makeReassign } from '#functions/operations/reassign-request.js';
import type { Notification } from '#shared/ports/notifier.js';
import type { OperationsRequestStore } from '#shared/ports/request-store.js';
import { bearer, testAuth } from '../support/auth.js';
import { apiEvent, invoke } from '../support/events.js';
import { seedRequest } from '../support/requests.js';
import { testStack, type TestStack } from '../support/stack.js';
import { seedTechnicianProfiles } from '../support/technicians.js';

let now = new Date('2026-01-14T14:00:00Z');
let stack: TestStack;
const sent: Notification[] = [];
const tokens: Record<string, string> = {};
const fleet = {
  'oa-a': [51.5, -0.12],
  'oa-b': [51.51, -0.13],
  'oa-c': [51.6, -0.2],
  'test-oa': [51.5, -0.12],
} as const;
type Tech = keyof typeof fleet;
let phone = 100;

beforeAll(async () => {
  const auth = await testAuth();
  stack = await testStack({
    env: { ...auth.env, SMS_LIMIT_PER_DESTINATION_HOUR: '1000' },
    // Each call moves the clock on a second, so every fix is newer than the last and stamps keep their order.
    overrides: {
      clock: { now: () => (now = new Date(now.getTime() + 1000)) },
      notifier: { send: (n) => Promise.resolve(void sent.push(n)) },
    },
  });
  await seedTechnicianProfiles(stack, Object.keys(fleet));
  tokens.ops = await auth.signer.mint('ops-dispatcher-7', ['operations']);
  for (const id of Object.keys(fleet)) tokens[id] = await auth.signer.mint(id, ['technicians']);
}, 60_000);
afterAll(() => stack.close());

/** Every technician free, fresh, at home; anyone named in `away` is put offline (out of dispatch). */
async function resetFleet(away: Tech[] = []) {
  const t = stack.deps.technicians;
  for (const [id, [lat, lon]] of Object.entries(fleet)) {
    const position = await t.position(id);
    if (position?.currentJob) await t.release(id, position.currentJob);
    await t.recordLocation(id, { location: { lat, lon }, recordedAt: stack.deps.clock.now() });
    expect(await t.setAvailability(id, away.includes(id as Tech) ? 'offline' : 'available')).toBe('updated');
  }
}

/** A real request in central London assigned to `holder` (claimed in the index, stored), moved on to `status`. */
async function requestWith(holder: Tech, status: 'assigned' | 'en_route' | 'on_site' = 'assigned'): Promise<string> {
  const at = stack.deps.clock.now();
  const id = await seedRequest(stack.sql, {
    status: 'pending',
    createdAt: at.toISOString(),
    phone: `+447700900${phone++}`,
  });
  expect(await stack.deps.technicians.claim(holder, id, at, new Date(at.getTime() - 60_000))).toBe(true);
  expect(await stack.deps.requests.assignIfPending(id, holder, at, new Date(at.getTime() + 20 * 60_000))).toBeDefined();
  if (status !== 'assigned') await stack.deps.requests.transition(id, 'en-route', at, holder);
  if (status === 'on_site') await stack.deps.requests.transition(id, 'arrived', at, holder);
  return id;
}

const reassign = (id: string, body: unknown, deps: Parameters<typeof makeReassign>[0] = stack.deps) =>
  invoke(
    makeReassign(deps),
    apiEvent({
      method: 'POST',
      path: `/ops/requests/${id}/reassign`,
      resource: '/ops/requests/{id}/reassign',
      pathParameters: { id },
      headers: bearer(tokens.ops!),
      body,
    }),
  );
const cancel = (id: string, body: unknown) =>
  invoke(
    makeCancel(stack.deps),
    apiEvent({
      method: 'POST',
      path: `/ops/requests/${id}/cancel`,
      resource: '/ops/requests/{id}/cancel',
      pathParameters: { id },
      headers: bearer(tokens.ops!),
      body,
    }),
  );
const accept = (id: string, as: Tech) =>
  invoke(
    makeJobActionHandler('accept')(stack.deps),
    apiEvent({
      method: 'POST',
      path: `/jobs/${id}/accept`,
      resource: '/jobs/{id}/accept',
      pathParameters: { id },
      headers: bearer(tokens[as]!),
    }),
  );
const row = async (id: string) =>
  (await stack.sql.query('SELECT * FROM emergency_requests WHERE id = $1', [id])).rows[0];
const holderOf = async (tech: Tech) => (await stack.deps.technicians.position(tech))?.currentJob;
/** The audit rows of one request after the first (its insert), oldest first. */
const auditOf = async (id: string) =>
  (
    await stack.sql.query<{ old_row: Record<string, unknown>; new_row: Record<string, unknown> }>(
      'SELECT old_row, new_row FROM emergency_requests_audit WHERE request_id = $1 AND operation = $2 ORDER BY audit_id',
      [id, 'UPDATE'],
    )
  ).rows;
const smsFor = (purpose: string) => sent.filter((n) => n.channel === 'sms' && n.purpose === purpose);

beforeEach(async () => {
  await resetFleet();
  sent.length = 0;
});

describe('POST /ops/requests/{id}/reassign', () => {
  it('takes the job off its technician, frees them, and dispatches it to the nearest other one; the reason and who are in the audit trail', async () => {
    const id = await requestWith('oa-a', 'en_route');
    const response = await reassign(id, { reason: 'Van broke down on the A40' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id,
      status: 'assigned',
      technicianId: 'oa-b',
      previousTechnicianId: 'oa-a',
      slaAtRisk: false,
      eta: expect.any(String),
    });

    const stored = await row(id);
    expect(stored).toMatchObject({
      status: 'assigned',
      technician_id: 'oa-b',
      declined_by: ['oa-a'],
      en_route_at: null,
      accepted_at: null,
      reassignment_reason: 'Van broke down on the A40',
      reassigned_by: 'ops-dispatcher-7',
    });
    expect(await holderOf('oa-a')).toBeUndefined();
    expect((await stack.deps.technicians.position('oa-a'))?.status).toBe('available');
    expect(await holderOf('oa-b')).toBe(id);
    // The change that took it off oa-a carries the reason and who, in the same audit row.
    const [off, assigned] = await auditOf(id).then((rows) => rows.slice(-2));
    expect(off!.old_row).toMatchObject({ status: 'en_route', technician_id: 'oa-a' });
    expect(off!.new_row).toMatchObject({
      status: 'pending',
      technician_id: null,
      reassignment_reason: 'Van broke down on the A40',
      reassigned_by: 'ops-dispatcher-7',
    });
    expect(assigned!.new_row).toMatchObject({ status: 'assigned', technician_id: 'oa-b' });
    // The customer hears who is coming now (as dispatch tells them), oa-a that it is no longer theirs, oa-b of the offer.
    expect(smsFor('customer-assigned')).toEqual([
      expect.objectContaining({ to: stored.phone, requestId: id, text: expect.stringMatching(/is coming to you/) }),
    ]);
    expect(smsFor('technician-job-reassigned')).toEqual([
      expect.objectContaining({ to: '+447700900900', text: expect.stringMatching(/reassigned by operations/) }),
    ]);
    expect(smsFor('technician-offer')).toHaveLength(1);
  });

  it('leaves it pending and at risk when nobody else can take it, tells the customer, and redispatch carries on', async () => {
    await resetFleet(['oa-b', 'oa-c']);
    const id = await requestWith('oa-a');
    const response = await reassign(id, { reason: 'Technician unwell' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      id,
      reference: expect.any(String),
      status: 'pending',
      slaAtRisk: true,
      previousTechnicianId: 'oa-a',
    });
    expect(await row(id)).toMatchObject({
      status: 'pending',
      technician_id: null,
      sla_at_risk: true,
      declined_by: ['oa-a'],
    });
    // oa-a is free but never offered it again.
    expect(await holderOf('oa-a')).toBeUndefined();
    expect(smsFor('customer-reassigned')).toEqual([
      expect.objectContaining({ requestId: id, text: expect.stringMatching(/finding you another one/) }),
    ]);
    expect(sent.filter((n) => n.channel === 'operations' && n.purpose === 'sla-at-risk')).toHaveLength(1);

    await stack.deps.technicians.setAvailability('oa-c', 'available');
    const { redispatch } = await import('#functions/dispatch/redispatch.js');
    await redispatch(stack.deps);
    expect(await row(id)).toMatchObject({ status: 'assigned', technician_id: 'oa-c' });
  });

  it('gives it to the technician operations chose, even if not the nearest', async () => {
    const id = await requestWith('oa-a');
    const response = await reassign(id, { reason: 'Customer asked for Tech2 again', technicianId: 'oa-c' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'assigned', technicianId: 'oa-c', previousTechnicianId: 'oa-a' });
    expect(await row(id)).toMatchObject({
      status: 'assigned',
      technician_id: 'oa-c',
      declined_by: ['oa-a'],
      reassigned_by: 'ops-dispatcher-7',
    });
    expect([await holderOf('oa-a'), await holderOf('oa-b'), await holderOf('oa-c')]).toEqual([
      undefined,
      undefined,
      id,
    ]);
    expect(smsFor('customer-reassigned')).toEqual([
      expect.objectContaining({
        text: expect.stringMatching(/your technician has changed\. Tech2 is coming to you in a Ford Transit/),
      }),
    ]);
  });

  it.each([
    {
      why: 'busy with another job',
      setup: async () => void (await requestWith('oa-c')),
      reason: 'technician-unavailable',
      detail: /busy with another job/,
    },
    {
      why: 'on a break',
      setup: () => stack.deps.technicians.setAvailability('oa-c', 'on_break').then(() => undefined),
      reason: 'technician-unavailable',
      detail: /on a break/,
    },
    {
      why: 'silent',
      setup: () =>
        stack.deps.technicians
          .recordLocation('oa-c', {
            location: { lat: 51.6, lon: -0.2 },
            recordedAt: new Date(now.getTime() + 3_600_000),
          })
          .then(() => void (now = new Date(now.getTime() + 4 * 3_600_000))),
      reason: 'technician-unavailable',
      detail: /not sent a position recently/,
    },
  ])('refuses a chosen technician who is $why with 409, and changes nothing', async ({ setup, reason, detail }) => {
    const id = await requestWith('oa-a');
    await setup();
    // The holder's fix must stay fresh whatever the case did to the clock.
    await stack.deps.technicians.recordLocation('oa-a', {
      location: { lat: 51.5, lon: -0.12 },
      recordedAt: stack.deps.clock.now(),
    });
    const before = {
      row: await row(id),
      audit: (await auditOf(id)).length,
      c: await stack.deps.technicians.position('oa-c'),
    };
    const response = await reassign(id, { reason: 'Send the Watford van', technicianId: 'oa-c' });
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ reason, currentStatus: 'assigned', detail: expect.stringMatching(detail) });
    expect(await row(id)).toEqual(before.row);
    expect((await auditOf(id)).length).toBe(before.audit);
    expect(await holderOf('oa-a')).toBe(id);
    expect(await stack.deps.technicians.position('oa-c')).toEqual(before.c);
    expect(sent).toEqual([]);
  });

  it('refuses a test technician for a real request, and the current technician again, with 409', async () => {
    const id = await requestWith('oa-a');
    expect(await reassign(id, { reason: 'Try the test van', technicianId: 'test-oa' })).toMatchObject({
      status: 409,
      body: { detail: expect.stringMatching(/other fleet/) },
    });
    expect(await reassign(id, { reason: 'Same again', technicianId: 'oa-a' })).toMatchObject({
      status: 409,
      body: { detail: expect.stringMatching(/already with technician oa-a/) },
    });
    expect(await row(id)).toMatchObject({ status: 'assigned', technician_id: 'oa-a', reassigned_by: null });
    expect([await holderOf('oa-a'), await holderOf('test-oa')]).toEqual([id, undefined]);
  });

  it('frees the chosen technician again when the request closes between the claim and the write (no half-stored state)', async () => {
    const id = await requestWith('oa-a');
    // The customer cancels at the worst moment: after oa-c is claimed, before the reassignment is written.
    const operationsStore: OperationsRequestStore = {
      cancelByOperations: (...args) => stack.deps.operationsStore.cancelByOperations(...args),
      reassignByOperations: async (...args) => {
        await stack.deps.requests.transition(id, 'cancel', new Date());
        return stack.deps.operationsStore.reassignByOperations(...args);
      },
    };
    const response = await reassign(
      id,
      { reason: 'Send the Watford van', technicianId: 'oa-c' },
      { ...stack.deps, operationsStore },
    );
    expect(response).toMatchObject({ status: 409, body: { currentStatus: 'cancelled' } });
    expect(await holderOf('oa-c')).toBeUndefined();
    expect((await stack.deps.technicians.position('oa-c'))?.status).toBe('available');
    expect(await row(id)).toMatchObject({ status: 'cancelled', technician_id: 'oa-a', reassigned_by: null });
  });

  it.each([
    { status: 'completed', detail: /already completed, so it cannot be reassigned/ },
    { status: 'cancelled', detail: /already cancelled, so it cannot be reassigned/ },
  ])(
    'answers 409 with what to do for a $status request, with or without a chosen technician',
    async ({ status, detail }) => {
      const id = await seedRequest(stack.sql, {
        status: status as 'completed' | 'cancelled',
        createdAt: now.toISOString(),
        ...(status === 'completed'
          ? { onSiteAt: now.toISOString(), completedAt: now.toISOString() }
          : { cancelledAt: now.toISOString() }),
      });
      for (const body of [{ reason: 'Too late' }, { reason: 'Too late', technicianId: 'oa-b' }]) {
        const response = await reassign(id, body);
        expect(response.status).toBe(409);
        expect(response.body).toMatchObject({ currentStatus: status, detail: expect.stringMatching(detail) });
      }
      expect(await holderOf('oa-b')).toBeUndefined();
      expect(await auditOf(id)).toEqual([]);
    },
  );

  it('answers 404 for an unknown request', async () => {
    for (const body of [{ reason: 'Who?' }, { reason: 'Who?', technicianId: 'oa-b' }])
      expect((await reassign('5f0c6f52-2f6a-4d43-9a3b-2b8f5d3f8c11', body)).status).toBe(404);
    expect(await holderOf('oa-b')).toBeUndefined();
  });

  it('is race-safe against the technician accepting at the same moment: whoever wins, nobody is left holding a job that is not theirs', async () => {
    const outcomes = { acceptedFirst: 0, reassignedFirst: 0 };
    for (let round = 0; round < 12; round++) {
      await resetFleet();
      const id = await requestWith('oa-a');
      const [reassigned, accepted] = await Promise.all([
        reassign(id, { reason: `Round ${round}: van recalled` }),
        accept(id, 'oa-a'),
      ]);
      expect(reassigned.status).toBe(200);
      expect([200, 403]).toContain(accepted.status);
      if (accepted.status === 200) outcomes.acceptedFirst++;
      else outcomes.reassignedFirst++;
      const stored = await row(id);
      expect(stored).toMatchObject({
        status: 'assigned',
        declined_by: ['oa-a'],
        reassigned_by: 'ops-dispatcher-7',
        accepted_at: null,
      });
      expect(stored.technician_id).not.toBe('oa-a');
      // The index agrees with the row: only the row's technician holds it.
      expect(await holderOf('oa-a')).toBeUndefined();
      expect(await holderOf(stored.technician_id as Tech)).toBe(id);
      for (const other of (['oa-b', 'oa-c'] as const).filter((t) => t !== stored.technician_id))
        expect(await holderOf(other)).toBeUndefined();
    }
    expect(outcomes.acceptedFirst + outcomes.reassignedFirst).toBe(12);
  }, 120_000);

  it('is race-safe against a second reassignment: one technician ends up with it, and the index agrees', async () => {
    const id = await requestWith('oa-a');
    const answers = await Promise.all([
      reassign(id, { reason: 'First dispatcher' }),
      reassign(id, { reason: 'Second dispatcher' }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const stored = await row(id);
    const holders = await Promise.all(
      (['oa-a', 'oa-b', 'oa-c'] as const).map(async (t) => [t, await holderOf(t)] as const),
    );
    expect(holders.filter(([, job]) => job === id).map(([t]) => t)).toEqual(
      stored.status === 'assigned' ? [stored.technician_id] : [],
    );
  });
});

describe('POST /ops/requests/{id}/cancel', () => {
  it('cancels an on-site job, frees the technician, tells both, and keeps the reason and who in the audit trail', async () => {
    const id = await requestWith('oa-a', 'on_site');
    const response = await cancel(id, { reason: 'Customer towed away by the police' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      id,
      reference: expect.any(String),
      status: 'cancelled',
      slaAtRisk: false,
      previousTechnicianId: 'oa-a',
    });
    const stored = await row(id);
    expect(stored).toMatchObject({
      status: 'cancelled',
      cancellation_reason: 'Customer towed away by the police',
      cancelled_by: 'ops-dispatcher-7',
      cancelled_at: expect.any(Date),
      technician_id: 'oa-a',
    });
    const last = (await auditOf(id)).at(-1)!;
    expect(last.old_row).toMatchObject({ status: 'on_site' });
    expect(last.new_row).toMatchObject({
      status: 'cancelled',
      cancellation_reason: 'Customer towed away by the police',
      cancelled_by: 'ops-dispatcher-7',
    });
    expect(await holderOf('oa-a')).toBeUndefined();
    expect((await stack.deps.technicians.position('oa-a'))?.status).toBe('available');
    expect(smsFor('customer-cancelled')).toEqual([
      expect.objectContaining({
        to: stored.phone,
        requestId: id,
        text: expect.stringMatching(/cancelled by our operations team.*call 999/),
      }),
    ]);
    expect(smsFor('technician-job-cancelled')).toEqual([expect.objectContaining({ to: '+447700900900' })]);
  });

  it('cancels a pending request (nobody to free or tell but the customer)', async () => {
    const id = await seedRequest(stack.sql, {
      status: 'pending',
      createdAt: now.toISOString(),
      phone: '+447700900777',
    });
    expect(await cancel(id, { reason: 'Duplicate of a phoned-in job' })).toMatchObject({
      status: 200,
      body: { status: 'cancelled' },
    });
    expect(sent.map((n) => n.purpose)).toEqual(['customer-cancelled']);
  });

  it('lets exactly one of two simultaneous cancels through: one 200, one 409, one audit row, one message each', async () => {
    const id = await requestWith('oa-a');
    const answers = await Promise.all([
      cancel(id, { reason: 'First dispatcher' }),
      cancel(id, { reason: 'Second dispatcher' }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const refused = answers.find((a) => a.status === 409)!;
    expect(refused.body).toMatchObject({
      currentStatus: 'cancelled',
      detail: expect.stringMatching(/already cancelled: nothing more to do/),
    });
    expect(
      (await auditOf(id)).filter((a) => a.new_row.status === 'cancelled' && a.old_row.status !== 'cancelled'),
    ).toHaveLength(1);
    expect(smsFor('customer-cancelled')).toHaveLength(1);
    expect(smsFor('technician-job-cancelled')).toHaveLength(1);
    expect(await holderOf('oa-a')).toBeUndefined();
  });

  it('answers 409 for a completed request and 404 for an unknown one, changing nothing', async () => {
    const id = await seedRequest(stack.sql, {
      status: 'completed',
      createdAt: now.toISOString(),
      onSiteAt: now.toISOString(),
      completedAt: now.toISOString(),
    });
    expect(await cancel(id, { reason: 'Oops' })).toMatchObject({
      status: 409,
      body: {
        currentStatus: 'completed',
        detail: expect.stringMatching(/already completed, so it cannot be cancelled/),
      },
    });
    expect(await auditOf(id)).toEqual([]);
    expect((await cancel('5f0c6f52-2f6a-4d43-9a3b-2b8f5d3f8c11', { reason: 'Oops' })).status).toBe(404);
    expect(sent).toEqual([]);
  });
});
