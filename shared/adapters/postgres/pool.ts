// One pg pool per Lambda container, pointed at DATABASE_URL locally or at RDS Proxy with a Secrets Manager password in AWS.
import pg from 'pg';
import { secrets } from '#shared/adapters/secrets/provider.js';
import type { CoreConfig } from '#shared/config/core.js';
import { Unavailable } from '#shared/domain/errors.js';

interface DatabaseSecret {
  password?: string;
}

// Parse int8 (COUNT(*)) as a JS number: our counts are far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export function makePool(database: CoreConfig['database']): pg.Pool {
  const common: pg.PoolConfig = {
    max: database.poolMax,
    connectionTimeoutMillis: 3_000,
    idleTimeoutMillis: 60_000,
    statement_timeout: database.statementTimeoutMs,
    // The server's statement timeout needs a server that answers. One that stops answering on a warm connection
    // (frozen, partitioned away) would hold every query to the Lambda timeout: intake answered 504 after 10 s, with no
    // token and nothing buffered. The client gives up a second after the server should have, and pg-pool discards
    // that client, so the caller gets Unavailable (intake buffers and answers 202).
    query_timeout: database.statementTimeoutMs + 1_000,
    application_name: 'tyrehero-dispatch',
  };
  const config: pg.PoolConfig = database.url
    ? { ...common, connectionString: database.url }
    : {
        ...common,
        host: database.host,
        port: database.port,
        database: database.name,
        user: database.user,
        // RDS Proxy requires TLS; its certificate chains to Amazon's roots, which Node trusts.
        ssl: { rejectUnauthorized: true },
        // Cached for 5 minutes, so a rotated password is picked up without a redeploy.
        password: async () => {
          const secret = (await secrets().get(database.secretArn!, { transform: 'json', maxAge: 300 })) as
            DatabaseSecret | undefined;
          if (!secret?.password) throw new Error('database secret has no password');
          return secret.password;
        },
      };
  const pool = new pg.Pool(config);
  // An idle client losing its server (failover, restart) must not crash the container; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/** SQLSTATE classes that mean "the server is not there or not writable right now", e.g. during an Aurora failover. */
const unavailableSqlStates = new Set([
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '25006',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);
const unavailableNodeCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EPIPE']);

export function isUnavailableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code;
  if (code && (unavailableSqlStates.has(code) || unavailableNodeCodes.has(code))) return true;
  return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED|Client has encountered a connection error|Query read timeout/i.test(
    error.message,
  );
}

/** Runs fn and turns connectivity failures into Unavailable, leaving every other error as it is. */
export async function guarded<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (isUnavailableError(error)) throw new Unavailable(`database unavailable while ${what}`, error);
    throw error;
  }
}

export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // pg-pool listens for errors only on idle clients: a server that dies while this one is checked out, between two of
  // its queries, would otherwise raise an unhandled 'error' and crash the container (found by the zero-loss burst test).
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (isUnavailableError(error)) broken ??= error as Error;
    throw error;
  } finally {
    client.removeListener('error', onError);
    // A broken connection is destroyed rather than handed to the next caller.
    client.release(broken);
  }
}
