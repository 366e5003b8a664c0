// A database that stops answering on a warm connection (frozen, or partitioned away mid-conversation): the same real
// PostgreSQL behind a TCP relay that can stop passing bytes, as a network partition would.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHandler as makeCreate } from '#functions/intake/create.js';
import { allDeps, closeAllDeps } from '../../scripts/local/all-deps.js';
import { emergencyBody } from '../fixtures/emergencies.js';
import { apiEvent, invoke } from '../support/events.js';
import { testStack, type TestStack } from '../support/stack.js';

/** Forwards to PostgreSQL until frozen; then holds every byte, both ways, on the connections it already has. */
async function freezableRelay(target: { host: string; port: number }) {
  let frozen = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.on('data', (chunk) => frozen || upstream.write(chunk));
    upstream.on('data', (chunk) => frozen || client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    freeze: () => void (frozen = true),
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

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
