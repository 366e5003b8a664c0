// Applies the numbered SQL migrations in resources/migrations with node-pg-migrate, the same way in every stage.
import { runner } from 'node-pg-migrate';
import type pg from 'pg';

export interface MigrationResult {
  applied: string[];
}

export async function migrate(client: pg.Client, migrationsDir: string, log: (message: string) => void = () => undefined): Promise<MigrationResult> {
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
