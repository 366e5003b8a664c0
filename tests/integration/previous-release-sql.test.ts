// Expand/contract: the release still running while a new one deploys keeps sending its SQL to the new schema, so every
// statement of the previous release (tests/fixtures/previous-release/sql-statements.json, recorded by
// `npm run sql:catalogue`) must still parse and plan against the newest migrations. A drop or rename it still uses fails here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../scripts/local/engines.js';
import { testConfig } from '../support/stack.js';

const catalogue = JSON.parse(
  readFileSync(path.join(projectRoot, 'tests/fixtures/previous-release/sql-statements.json'), 'utf8'),
) as { release: string; statements: string[] };

let pool: pg.Pool;
beforeAll(async () => {
  pool = new pg.Pool({ connectionString: (await testConfig()).database.url, max: 1 });
});
afterAll(() => pool.end());

/** The statements the schema cannot take: PREPARE parses and plans each one (tables, columns, types) without running it. */
async function refused(client: pg.PoolClient): Promise<Array<{ statement: string; error: string }>> {
  const failures: Array<{ statement: string; error: string }> = [];
  for (const [i, statement] of catalogue.statements.entries()) {
    await client.query(`SAVEPOINT s${i}`);
    try {
      await client.query(`PREPARE previous_release_${i} AS ${statement}`);
      await client.query(`DEALLOCATE previous_release_${i}`);
    } catch (error) {
      failures.push({ statement, error: (error as Error).message });
      await client.query(`ROLLBACK TO SAVEPOINT s${i}`);
    }
  }
  return failures;
}

describe(`the previous release's SQL (${catalogue.release}) against the newest schema`, () => {
  it('holds every statement the previous release sends', async () => {
    expect(catalogue.statements.length).toBeGreaterThan(50);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      expect(await refused(client)).toEqual([]);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('fails on a migration that renames a column the previous release still reads', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('ALTER TABLE emergency_requests RENAME COLUMN sla_deadline TO sla_due_at');
      const failures = await refused(client);
      expect(failures.length).toBeGreaterThan(0);
      expect(failures.every((f) => /sla_deadline/.test(f.error))).toBe(true);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
