// PostgreSQL for a function that reads or writes the system of record: one pool per container, shared by its stores.
import type pg from 'pg';
import type { Config } from '#shared/config.js';
import { makePool } from '#shared/adapters/postgres/pool.js';

export function postgres(config: Pick<Config, 'database'>): pg.Pool {
  return makePool(config.database);
}
