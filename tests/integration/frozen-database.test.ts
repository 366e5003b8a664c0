// A database that stops answering on a warm connection (frozen, or partitioned away mid-conversation): the same real
// PostgreSQL behind a TCP relay that can stop passing bytes, as a network partition would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHandler as makeCreate } from '#functions/intake/create.js';
import { allDeps, closeAllDeps } from '../../scripts/local/all-deps.js';
import { emergencyBody } from '../fixtures/emergencies.js';
import { apiEvent, invoke } from '../support/events.js';
import { freezableRelay } from '../support/freezable-relay.js';
import { testStack, type TestStack } from '../support/stack.js';

let stack: TestStack;
let relay: Awaited<ReturnType<typeof freezableRelay>>;
let warm: ReturnType<typeof allDeps>;

beforeAll(async () => {
  // A short server-side statement timeout keeps the test quick; the client's read timeout follows it.
  stack = await testStack({ env: { DB_STATEMENT_TIMEOUT_MS: '1000' } });
  const url = new URL(stack.config.database.url!);
  relay = await freezableRelay({ host: url.hostname, port: Number(url.port) });
  url.port = String(relay.port);
  warm = allDeps({ ...stack.config, database: { ...stack.config.database, url: url.toString() } });
});
afterAll(async () => {
  await relay.close();
  await closeAllDeps(warm);
  await stack.close();
});

describe('a database that stops answering on a warm connection', () => {
  it('still gets the driver an answer: the emergency is buffered and answered 202 with its token, then replayable', async () => {
    const create = makeCreate(warm);
    const first = await invoke(create, apiEvent({ method: 'POST', path: '/emergencies', body: emergencyBody() }));
    expect(first.status, JSON.stringify(first.body)).toBe(201);

    relay.freeze();
    // Without a client-side read timeout this never resolves (the Lambda would time out with a 504 and no token).
    const second = await invoke(create, apiEvent({ method: 'POST', path: '/emergencies', body: emergencyBody() }));
    expect(second.status).toBe(202);
    expect(second.body).toMatchObject({ status: 'pending', queued: true });
    expect(typeof second.body.trackingToken).toBe('string');
    expect(await stack.deps.intakeBuffer.find(second.body.id as string)).toMatchObject({
      id: second.body.id,
      reference: second.body.reference,
    });
  });
});
