import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enableAppRoleLogin } from '#shared/adapters/postgres/migrate.js';
import { testStack, type TestStack } from '../support/stack.js';

// The migrated database (embedded PostgreSQL, the same SQL Aurora runs) seen as the application role the functions use.
let stack: TestStack;
let client: pg.PoolClient;

beforeAll(async () => {
  stack = await testStack();
  client = await stack.sql.connect();
});
afterAll(async () => {
  client.release();
  await stack.close();
});

async function asAppRole<T>(statement: string): Promise<T[]> {
  await client.query('BEGIN');
  try {
    await client.query('SET LOCAL ROLE tyrehero_app');
    const { rows } = await client.query(statement);
    return rows as T[];
  } finally {
    await client.query('ROLLBACK');
  }
}

describe('the application role created by the migrations', () => {
  it('reads and writes rows', async () => {
    await expect(asAppRole('SELECT count(*) FROM emergency_requests')).resolves.toHaveLength(1);
    const inserted = await asAppRole<{ id: string }>(
      "INSERT INTO technicians (id, name, phone, home_base, home_latitude, home_longitude, van) VALUES ('t-role', 'Role Test', '+447700900123', 'Leeds', 53.8, -1.55, 'VN01') RETURNING id",
    );
    expect(inserted).toEqual([{ id: 't-role' }]);
  });

  it.each([
    ['create a table', 'CREATE TABLE sneaky (id int)'],
    ['drop a table', 'DROP TABLE emergency_requests'],
    ['alter a table', 'ALTER TABLE emergency_requests ADD COLUMN sneaky int'],
    ['read the migrations ledger', 'SELECT * FROM pgmigrations'],
  ])('cannot %s (the owner runs migrations)', async (_what, statement) => {
    await expect(asAppRole(statement)).rejects.toMatchObject({ code: '42501' });
  });

  it('is not a superuser and cannot create roles or databases', async () => {
    const { rows } = await stack.sql.query<{ rolsuper: boolean; rolcreaterole: boolean; rolcreatedb: boolean }>(
      "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = 'tyrehero_app'",
    );
    expect(rows).toEqual([{ rolsuper: false, rolcreaterole: false, rolcreatedb: false }]);
  });

  it('signs in with the password migrate sets from its secret, even one that needs quoting', async () => {
    const password = `it's-a "test" ${Date.now()}`;
    await enableAppRoleLogin(client, { username: 'tyrehero_app', password });
    const url = new URL(stack.config.database.url!);
    url.username = 'tyrehero_app';
    url.password = password;
    const app = new pg.Client({ connectionString: url.toString() });
    await app.connect();
    try {
      const { rows } = await app.query<{ user: string }>('SELECT current_user AS user');
      expect(rows).toEqual([{ user: 'tyrehero_app' }]);
      const { rows: login } = await stack.sql.query<{ rolcanlogin: boolean }>(
        "SELECT rolcanlogin FROM pg_roles WHERE rolname = 'tyrehero_app'",
      );
      expect(login).toEqual([{ rolcanlogin: true }]);
    } finally {
      await app.end();
    }
  });
});
