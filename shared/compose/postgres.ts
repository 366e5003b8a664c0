// PostgreSQL for a function that reads or writes the system of record: one pool per container, shared by its stores.
import type pg from 'pg';
import type { CoreConfig } from '#shared/config/core.js';
import { makePool } from '#shared/adapters/postgres/pool.js';

export function postgres(config: Pick<CoreConfig, 'database'>): pg.Pool {
  return makePool(config.database);
}
