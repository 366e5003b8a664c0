// Schema before code, on the real engine: the deploy's Custom::SchemaMigration runs `migrate` forward, and on a rollback
// CloudFormation runs the previous release's `migrate` against a schema that is ahead of it. That must succeed and
// change nothing (expand/contract), or the rollback itself fails and the stack is left in UPDATE_ROLLBACK_FAILED.
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '#shared/adapters/postgres/migrate.js';
import { projectRoot } from '../../scripts/local/engines.js';
import { testConfig } from '../support/stack.js';

const database = `migrate_in_deploy_${process.pid}`;
const migrationsDir = path.join(projectRoot, 'resources/migrations');
const shipped = readdirSync(migrationsDir)
  .filter((f) => f.endsWith('.sql'))
  .sort();
let admin: pg.Client;
let client: pg.Client;
let scratch: string;

beforeAll(async () => {
  const url = new URL((await testConfig()).database.url!);
  admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  url.pathname = `/${database}`;
  client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  scratch = mkdtempSync(path.join(tmpdir(), 'migrations-'));
});
afterAll(async () => {
  await client?.end();
  await admin?.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin?.end();
  rmSync(scratch, { recursive: true, force: true });
});

/** A copy of this release's migrations with the last `drop` left out and `extra` added: another release's folder. */
function release(name: string, drop: number, extra: Record<string, string> = {}): string {
  const dir = path.join(scratch, name);
  cpSync(migrationsDir, dir, { recursive: true });
  for (const file of shipped.slice(shipped.length - drop)) rmSync(path.join(dir, file));
  for (const [file, sql] of Object.entries(extra)) writeFileSync(path.join(dir, file), sql);
  return dir;
}

describe('migrate inside the deploy', () => {
  it('applies every pending migration forward, then nothing on a second run', async () => {
    const previous = release('previous', 1);
    expect((await migrate(client, previous)).applied).toEqual(shipped.slice(0, -1).map((f) => f.replace(/\.sql$/, '')));
    const first = await migrate(client, migrationsDir);
    expect(first).toEqual({ applied: [shipped.at(-1)!.replace(/\.sql$/, '')], schemaAhead: [] });
    expect(await migrate(client, migrationsDir)).toEqual({ applied: [], schemaAhead: [] });
  });

  it('on a rollback, lets the previous release find the schema ahead of it and apply nothing, without failing', async () => {
    const before = await client.query('SELECT name FROM pgmigrations ORDER BY id');
    const result = await migrate(client, release('rolled-back-to', 1));
    expect(result).toEqual({ applied: [], schemaAhead: [shipped.at(-1)!.replace(/\.sql$/, '')] });
    expect((await client.query('SELECT name FROM pgmigrations ORDER BY id')).rows).toEqual(before.rows);
  });

  it('fails, changing nothing, when a migration fails: the deploy stops and the running release keeps its schema', async () => {
    const broken = release('broken', 0, {
      '9999_broken.sql': 'ALTER TABLE emergency_requests ADD COLUMN eta_source text;\nSELECT 1/0;',
    });
    await expect(migrate(client, broken)).rejects.toThrow(/division by zero/);
    const columns = await client.query(
      "SELECT 1 FROM information_schema.columns WHERE table_name = 'emergency_requests' AND column_name = 'eta_source'",
    );
    expect(columns.rowCount).toBe(0);
    expect((await client.query("SELECT 1 FROM pgmigrations WHERE name = '9999_broken'")).rowCount).toBe(0);
  });
});
