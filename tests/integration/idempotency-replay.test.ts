// Idempotency-Key replay kept with the request (migration 0015), on the real PostgreSQL and DynamoDB Local: what a
// retry gets back when the first answer was lost, whoever else used the key, and while PostgreSQL is down.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHandler } from '#functions/intake/create.js';
import { PostgresRequestStore } from '#shared/adapters/postgres/request-store.js';
import { trackingTokenMatches } from '#shared/domain/tracking.js';
import { dramaPhone, emergencyBody } from '../fixtures/emergencies.js';
import { apiEvent, invoke } from '../support/events.js';
import { dispatchEmergency } from '#functions/dispatch/dispatch.js';
import { testStack, type TestStack } from '../support/stack.js';
import { availableTechnician } from '../support/technicians.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await testStack();
});
afterAll(() => stack.close());

const post = (deps: TestStack['deps'], body: unknown, key: string, headers: Record<string, string> = {}) =>
  invoke(
    makeHandler(deps),
    apiEvent({ method: 'POST', path: '/emergencies', body, headers: { 'Idempotency-Key': key, ...headers } }),
  );
const requestsWithKeyOf = async (id: string) =>
  (await stack.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM emergency_requests WHERE id = $1', [id]))
    .rows[0]!.n;

describe('a retry with the same Idempotency-Key', () => {
  it('gets the first answer byte for byte, token included, though only the token hash is stored', async () => {
    const body = emergencyBody({ location: { lat: 60.155, lon: -1.145 } });
    const key = randomUUID();
    const first = await post(stack.deps, body, key);
    const retry = await post(stack.deps, body, key);

    expect(first.status).toBe(201);
    expect(retry.raw).toEqual(first.raw);
    const kept = await stack.sql.query<{ answer: string }>('SELECT answer FROM intake_answers WHERE request_id = $1', [
      first.body.id,
    ]);
    expect(JSON.parse(kept.rows[0]!.answer)).toMatchObject({ id: first.body.id, trackingToken: null });
    expect(kept.rows[0]!.answer).not.toContain(first.body.trackingToken as string);
  });

  it('gets an assignment byte for byte too: kept by the assignment itself, the technician named from the directory', async () => {
    await availableTechnician(stack, 'replay-ely', { lat: 52.399, lon: 0.262 });
    const body = emergencyBody({ location: { lat: 52.41, lon: 0.27 } });
    const key = randomUUID();
    const first = await post(stack.deps, body, key);
    const retry = await post(stack.deps, body, key);

    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      status: 'assigned',
      technician: { id: 'replay-ely', firstName: 'Tech0', van: expect.any(String) },
    });
    expect(retry.raw).toEqual(first.raw);
    // What is kept has no name or van (the assignment's statement kept it before it knew them) and no token.
    const kept = await stack.sql.query<{ answer: string }>('SELECT answer FROM intake_answers WHERE request_id = $1', [
      first.body.id,
    ]);
    expect(JSON.parse(kept.rows[0]!.answer)).toMatchObject({
      status: 'assigned',
      trackingToken: null,
      technician: { id: 'replay-ely', firstName: null, van: null },
    });
  });

  it('matches the same request sent with its fields in another order', async () => {
    const body = emergencyBody({ location: { lat: 60.155, lon: -1.145 } });
    const key = randomUUID();
    const first = await post(stack.deps, body, key);
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const retry = await post(stack.deps, reordered, key);
    expect(retry.raw.body).toBe(first.raw.body);
  });

  it('replays a short key too: the token is a keyed hash of the id, so short keys need no random id', async () => {
    const body = emergencyBody({ location: { lat: 60.155, lon: -1.145 } });
    const key = `k-${randomUUID().slice(0, 6)}`;
    const first = await post(stack.deps, body, key);
    const retry = await post(stack.deps, body, key);
    expect(first.status).toBe(201);
    expect(retry.raw.body).toBe(first.raw.body);
    expect(await requestsWithKeyOf(first.body.id as string)).toBe(1);
  });

  it('from another phone, or with any other change, is refused with 422 and learns nothing of the first request', async () => {
    const key = randomUUID();
    const first = await post(stack.deps, emergencyBody({ location: { lat: 60.155, lon: -1.145 } }), key);
    const otherPhone = await post(
      stack.deps,
      emergencyBody({
        location: { lat: 60.155, lon: -1.145 },
        customer: { name: 'Someone Else', phone: dramaPhone() },
      }),
      key,
    );
    const synthetic = await post(stack.deps, emergencyBody({ location: { lat: 60.155, lon: -1.145 } }), key, {
      'X-Synthetic-Test': 'true',
    });

    for (const refused of [otherPhone, synthetic]) {
      expect(refused.status).toBe(422);
      expect(refused.headers['content-type']).toBe('application/problem+json');
      expect(refused.body).toMatchObject({ type: 'https://tyrehero.example/problems/idempotency-key-reused' });
      expect(refused.raw.body).not.toContain(first.body.reference as string);
    }
  });
});

describe('a retry with the same Idempotency-Key while PostgreSQL is down', () => {
  it('gets the same 202 from the intake buffer, holds one item, and is refused with 422 for another body', async () => {
    // Nothing listens on port 1: the store is unreachable, as during a failover, so intakes go to the buffer.
    const down = new pg.Pool({
      connectionString: 'postgres://nobody@127.0.0.1:1/none',
      connectionTimeoutMillis: 1_000,
    });
    try {
      const deps = { ...stack.deps, requests: new PostgresRequestStore(down, stack.deps.phones) };
      const body = emergencyBody();
      const key = randomUUID();
      const first = await post(deps, body, key);
      const retry = await post(deps, body, key);
      const changed = await post(deps, { ...body, notes: 'Another request' }, key);

      expect(first.status).toBe(202);
      // Held in the buffer, not yet dispatched: no time is given, and the answer says why.
      expect(first.body).toMatchObject({
        status: 'pending',
        queued: true,
        estimate: null,
        message:
          'Your request is safe with us. We cannot give you an arrival time yet: our systems are catching up. We will text you as soon as a technician is assigned.',
      });
      expect(retry.raw).toEqual(first.raw);
      const held = await stack.deps.intakeBuffer.find(first.body.id as string);
      expect(held).toMatchObject({ id: first.body.id, reference: first.body.reference });
      expect(trackingTokenMatches(retry.body.trackingToken as string, held!.trackingTokenHash)).toBe(true);
      expect(changed.status).toBe(422);
      expect(changed.body.type).toBe('https://tyrehero.example/problems/idempotency-key-reused');
      await stack.deps.intakeBuffer.release(first.body.id as string);

      // A short key holds one item too: its id is derived from it like any key's.
      const shortBody = emergencyBody();
      const [once, twice] = [await post(deps, shortBody, 'k7'), await post(deps, shortBody, 'k7')];
      expect([once.status, twice.status]).toEqual([202, 202]);
      expect(twice.raw).toEqual(once.raw);
      await stack.deps.intakeBuffer.release(once.body.id as string);
    } finally {
      await down.end();
    }
  });

  it('once the held request is stored and assigned, gets who is coming, how far away and when, with the same id and token', async () => {
    await availableTechnician(stack, 'replay-bury', { lat: 52.246, lon: 0.711 });
    const body = emergencyBody({ location: { lat: 52.25, lon: 0.72 } });
    const key = randomUUID();
    const bufferedDuringOutage = async () => {
      const down = new pg.Pool({
        connectionString: 'postgres://nobody@127.0.0.1:1/none',
        connectionTimeoutMillis: 1_000,
      });
      try {
        const buffered = await post(
          { ...stack.deps, requests: new PostgresRequestStore(down, stack.deps.phones) },
          body,
          key,
        );
        expect(buffered.status).toBe(202);
        const item = await stack.deps.intakeBuffer.find(buffered.body.id as string);
        if (!item?.idempotency) throw new Error('the intake was not held with its key');
        return { ...item, idempotency: item.idempotency };
      } finally {
        await down.end();
      }
    };
    const held = await bufferedDuringOutage();
    // What the drain and redispatch do once PostgreSQL is back: store the held request, then assign it (no answer kept).
    // Minutes later: the first attempt's Lambda deadline has long passed, so the retry is not told to wait for it.
    await stack.deps.requests.insertIfAbsent({
      ...held,
      idempotency: { ...held.idempotency, answerDueBy: new Date(Date.now() - 60_000) },
    });
    const stored = (await stack.deps.requests.findById(held.id))!;
    expect((await dispatchEmergency(stack.deps, stored)).kind).toBe('assigned');

    const retry = await post(stack.deps, body, key);

    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({
      id: held.id,
      reference: held.reference,
      status: 'assigned',
      technician: { id: 'replay-bury', firstName: 'Tech0', van: expect.any(String) },
      slaAtRisk: false,
    });
    // About 760 m from the van, which has not moved; due when the assignment said.
    expect((retry.body.technician as { distanceKm: number }).distanceKm).toBe(0.8);
    const assigned = (await stack.deps.requests.findById(held.id))!;
    expect(retry.body.eta).toBe(assigned.eta!.toISOString());
    expect(retry.body.etaMinutes).toBeGreaterThan(0);
    expect(trackingTokenMatches(retry.body.trackingToken as string, held.trackingTokenHash)).toBe(true);
  });
});
