// A PostgreSQL server of a test file's own, so stopping or crashing it disturbs no other test.
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, prepareDatabase, projectRoot } from '../../scripts/local/engines.js';
import { loadEmbeddedPostgres } from '../../scripts/local/postgres-runtime.js';

export interface OwnPostgres {
  /** URL of a migrated database on this server. */
  url: string;
  /** SIGQUIT: PostgreSQL's immediate shutdown, no checkpoint; the restart recovers from the WAL like after a crash. */
  crash(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

export async function ownPostgres(database = 'tyrehero'): Promise<OwnPostgres> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tyrehero-own-pg-'));
  chmodSync(dir, 0o755);
  // Loaded the way the local stack loads it, so a root checkout the postgres user cannot enter still runs it.
  const Postgres = await loadEmbeddedPostgres(path.join(projectRoot, 'node_modules'));
  const port = await freePort();
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
  let server = newServer();
  await server.initialise();
  await server.start();
  const url = await prepareDatabase(`postgres://postgres:pw@127.0.0.1:${port}/postgres`, database);
  let running = true;
  return {
    url,
    async crash() {
      const pid = Number(readFileSync(path.join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
      process.kill(pid, 'SIGQUIT');
      running = false;
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        try {
          process.kill(pid, 0);
        } catch {
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('postgres did not stop');
    },
    async start() {
      server = newServer();
      await server.start();
      running = true;
    },
    async dispose() {
      if (running) await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
