// One active region, one switch: what a region that the active-region record does not name does with each kind of call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHandler as makeCreate } from '#functions/intake/create.js';
import { makeHandler as makeDrain } from '#functions/intake/drain.js';
import { makeHandler as makeGet } from '#functions/tracking/get.js';
import { makeHandler as makeCancel } from '#functions/tracking/cancel.js';
import { makeHandler as makeHealth } from '#functions/platform/health.js';
import { makeHandler as makeRedispatch } from '#functions/dispatch/redispatch-pending.js';
import { CachedRegionRole } from '#shared/adapters/dynamodb/active-region.js';
import { emergencyBody } from '../fixtures/emergencies.js';
import { apiEvent, invoke, lambdaContext } from '../support/events.js';
import { testStack, type TestStack } from '../support/stack.js';

let stack: TestStack;
// This stack plays eu-west-1, the pair's secondary; the record (absent at first) defaults to eu-west-2.
const here = 'eu-west-1';
let role: CachedRegionRole;
// Composed as the functions compose it: intake, health and the writers decide by the record themselves; every other
// route's chain refuses before it runs (standbyAwareHttpSettings).
const standby = () => ({ ...stack.deps, regionRole: role });
const standbyRoute = () => ({ ...stack.deps, http: { ...stack.deps.http, regionRole: role } });
const flip = (region: string) => stack.deps.activeRegion.write({ region, since: new Date(), by: 'active-region.test' });

beforeAll(async () => {
  stack = await testStack();
  // Read on every call (cacheMs 0), so a flip is seen by the next request without waiting.
  role = new CachedRegionRole(here, stack.deps.activeRegion, {
    defaultRegion: 'eu-west-2',
    cacheMs: 0,
    clock: stack.deps.clock,
  });
});
afterAll(() => stack.close());

const count = async (sql: string, params: unknown[]) => (await stack.sql.query(sql, params)).rows[0].n as number;

describe('in the standby region', () => {
  it('answers /health 503 standby naming the active region, so Route 53 fails the name over', async () => {
    const response = await invoke(makeHealth(standby()), apiEvent({ method: 'GET', path: '/health' }));
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ status: 'standby', activeRegion: 'eu-west-2' });
  });

  it('holds an emergency in the replicated intake buffer (202), never in its own database', async () => {
    const accepted = await invoke(
      makeCreate(standby()),
      apiEvent({ method: 'POST', path: '/emergencies', body: emergencyBody() }),
    );
    expect(accepted.status).toBe(202);
    const id = accepted.body.id as string;
    expect(await stack.deps.intakeBuffer.find(id)).toMatchObject({ id });
    expect(await count('SELECT count(*)::int AS n FROM emergency_requests WHERE id = $1', [id])).toBe(0);

    // The drain scheduled here does not run; the buffer waits for the active region's.
    const skipped = await makeDrain(standby())({}, lambdaContext('drainIntakeBuffer'));
    expect(skipped).toEqual({ skipped: 'standby', region: here, activeRegion: 'eu-west-2' });
    expect(await stack.deps.intakeBuffer.find(id)).toMatchObject({ id });
  });

  it('refuses a tracking call and a cancellation with 503 problem+json and Retry-After, changing nothing', async () => {
    const created = await invoke(
      makeCreate(stack.deps),
      apiEvent({ method: 'POST', path: '/emergencies', body: emergencyBody() }),
    );
    const id = created.body.id as string;
    const token = created.body.trackingToken as string;
    const read = await invoke(
      makeGet(standbyRoute()),
      apiEvent({
        method: 'GET',
        path: `/emergencies/${id}`,
        pathParameters: { id },
        headers: { 'X-Tracking-Token': token },
      }),
    );
    expect(read.status).toBe(503);
    expect(read.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(read.headers['retry-after']).toBe('5');
    expect(read.body.detail).toMatch(/eu-west-1\) is on standby; eu-west-2 serves now/);

    const cancel = await invoke(
      makeCancel(standbyRoute()),
      apiEvent({
        method: 'POST',
        path: `/emergencies/${id}/cancel`,
        pathParameters: { id },
        headers: { 'X-Tracking-Token': token },
      }),
    );
    expect(cancel.status).toBe(503);
    const { rows } = await stack.sql.query('SELECT status FROM emergency_requests WHERE id = $1', [id]);
    expect(rows[0].status).not.toBe('cancelled');
  });
});

describe('after the record names this region', () => {
  it('serves at once: health ok, the drain stores what was buffered, the writers run', async () => {
    const held = await invoke(
      makeCreate(standby()),
      apiEvent({ method: 'POST', path: '/emergencies', body: emergencyBody() }),
    );
    expect(held.status).toBe(202);
    await flip(here);

    const health = await invoke(makeHealth(standby()), apiEvent({ method: 'GET', path: '/health' }));
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
    const drained = await makeDrain(standby())({}, lambdaContext('drainIntakeBuffer'));
    expect(drained).toMatchObject({ databaseUnavailable: false, leftInBuffer: 0 });
    expect(
      await count('SELECT count(*)::int AS n FROM emergency_requests WHERE id = $1', [held.body.id as string]),
    ).toBe(1);
    const redispatched = await makeRedispatch(standby())({}, lambdaContext('redispatch'));
    expect(redispatched).not.toHaveProperty('skipped');

    const created = await invoke(
      makeCreate(standby()),
      apiEvent({ method: 'POST', path: '/emergencies', body: emergencyBody() }),
    );
    expect(created.status).toBe(201);
    expect(await stack.deps.activeRegion.read()).toMatchObject({ region: here, by: 'active-region.test' });
  });
});
