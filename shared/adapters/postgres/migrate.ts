// Applies the numbered SQL migrations in resources/migrations with node-pg-migrate, the same way in every stage.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { runner } from 'node-pg-migrate';
import type pg from 'pg';

export interface MigrationResult {
  applied: string[];
  /**
   * Migrations the database has run that this release does not ship: a newer release's expand steps, met when a deploy
   * is rolled back (CloudFormation runs the previous release's migrate again, docs/releasing.md). Nothing is applied
   * then: expand/contract guarantees the previous release works on the newer schema, and node-pg-migrate would
   * otherwise refuse ("definitions have been deleted") and fail the rollback itself.
   */
  schemaAhead: string[];
}

/** The migrations recorded in the database that are not among this release's files. */
export async function migrationsAhead(client: pg.Client | pg.PoolClient, migrationsDir: string): Promise<string[]> {
  const table = await client.query<{ present: boolean }>(
    "SELECT to_regclass('public.pgmigrations') IS NOT NULL AS present",
  );
  if (!table.rows[0]?.present) return [];
  const shipped = new Set(
    (await readdir(migrationsDir)).filter((f) => f.endsWith('.sql')).map((f) => path.basename(f, '.sql')),
  );
  const { rows } = await client.query<{ name: string }>('SELECT name FROM public.pgmigrations ORDER BY run_on, id');
  return rows.map((r) => r.name).filter((name) => !shipped.has(name));
}

export async function migrate(
  client: pg.Client,
  migrationsDir: string,
  log: (message: string) => void = () => undefined,
): Promise<MigrationResult> {
  const schemaAhead = await migrationsAhead(client, migrationsDir);
  if (schemaAhead.length) {
    log(`the schema is ahead of this release (${schemaAhead.join(', ')}): nothing applied`);
    return { applied: [], schemaAhead };
  }
  const ran = await runner({
    dbClient: client,
    dir: migrationsDir,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    count: Infinity,
    // Forward-only: a migration file edited after it shipped is refused rather than silently skipped.
    checkOrder: true,
    singleTransaction: true,
    log,
  });
  return { applied: ran.map((m) => m.name), schemaAhead: [] };
}

/**
 * Lets the application role sign in with the password kept in its secret. The migrations create the role without a
 * password (they are plain SQL, the same everywhere); in AWS the migrate function calls this right after them.
 */
export async function enableAppRoleLogin(
  client: pg.Client | pg.PoolClient,
  credentials: { username: string; password: string },
): Promise<void> {
  // ALTER ROLE takes no bind parameters: format() quotes the name and the password server-side.
  const { rows } = await client.query<{ statement: string }>(
    'SELECT format($1::text, $2::text, $3::text) AS statement',
    ['ALTER ROLE %I WITH LOGIN PASSWORD %L', credentials.username, credentials.password],
  );
  await client.query(rows[0]!.statement);
}
