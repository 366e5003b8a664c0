// Applies the numbered SQL migrations in resources/migrations with node-pg-migrate, the same way in every stage.
import { runner } from 'node-pg-migrate';
import type pg from 'pg';

export interface MigrationResult {
  applied: string[];
}

export async function migrate(
  client: pg.Client,
  migrationsDir: string,
  log: (message: string) => void = () => undefined,
): Promise<MigrationResult> {
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
  return { applied: ran.map((m) => m.name) };
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
