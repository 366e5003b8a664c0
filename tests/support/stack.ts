// Gives each test file its own database (cloned from the migrated template) and its own DynamoDB tables on the shared engines.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../../shared/config.js';
import { closeDeps, makeDeps, type Deps, type Overrides } from '../../shared/deps.js';
import { createTables, databaseUrlFor } from '../../scripts/local/engines.js';

export interface TestStack {
  config: Config;
  deps: Deps;
  /** A direct connection for assertions about what is (or is not) stored. */
  sql: pg.Pool;
  close(): Promise<void>;
}

async function createDatabaseFromTemplate(serverUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    // Two files cloning the template at the same instant can collide on its lock; retry briefly.
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE tyrehero_template`);
        return;
      } catch (error) {
        if (attempt >= 20 || !/being accessed by other users/.test((error as Error).message)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  } finally {
    await admin.end();
  }
}

export async function testConfig(env: Record<string, string> = {}): Promise<Config> {
  const suffix = randomUUID().slice(0, 8);
  const database = `t_${suffix}`;
  await createDatabaseFromTemplate(inject('pgServerUrl'), database);
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: databaseUrlFor(inject('pgServerUrl'), database),
    DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
    LOCATIONS_TABLE: `${suffix}-locations`,
    IDEMPOTENCY_TABLE: `${suffix}-idempotency`,
    SCALING_STATE_TABLE: `${suffix}-scaling-state`,
    INTAKE_BUFFER_TABLE: `${suffix}-intake-buffer`,
    GEOCODER: 'offline',
    ...env,
  });
  await createTables(inject('dynamodbEndpoint'), config.tables);
  return config;
}

export async function testStack(options: { env?: Record<string, string>; overrides?: Overrides } = {}): Promise<TestStack> {
  const config = await testConfig(options.env);
  const deps = makeDeps(config, options.overrides);
  const sql = new pg.Pool({ connectionString: config.database.url, max: 2 });
  return {
    config,
    deps,
    sql,
    close: async () => {
      await closeDeps(deps);
      await sql.end();
    },
  };
}
