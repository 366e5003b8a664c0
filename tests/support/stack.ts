// Gives each test file its own database (cloned from the migrated template) and its own DynamoDB tables on the shared engines.
import pg from 'pg';
import { inject } from 'vitest';
import type { Config } from '../../scripts/config.js';
import { allDeps, closeAllDeps, type AllDeps, type Overrides } from '../../scripts/local/all-deps.js';
import { isolatedEnvironment } from '../../scripts/local/isolated.js';

export interface TestStack {
  config: Config;
  /** The environment the config was read from: what a function's own composition root reads when imported. */
  env: Record<string, string>;
  /** Every adapter, from the builders the functions use: pass it to any makeHandler. */
  deps: AllDeps;
  /** A direct connection for assertions about what is (or is not) stored. */
  sql: pg.Pool;
  close(): Promise<void>;
}

/**
 * The intake's dispatch budget is wall-clock time; on a loaded test machine a dispatch can take seconds, so tests get
 * a budget they never reach unless they are about the budget (tests/integration/intake-budget.test.ts). Likewise the
 * per-phone intake limit (5 an hour), which tests sending several calls from one number would hit; data-protection sets its own.
 */
const testDefaults = { DISPATCH_BUDGET_MS: '600000', INTAKE_LIMIT_PER_PHONE_HOUR: '100' };

export async function testConfig(env: Record<string, string> = {}): Promise<Config> {
  return (await testEnvironment(env)).config;
}

async function testEnvironment(env: Record<string, string> = {}) {
  return isolatedEnvironment(
    { pgServerUrl: inject('pgServerUrl'), dynamodbEndpoint: inject('dynamodbEndpoint') },
    { ...testDefaults, ...env },
  );
}

export async function testStack(
  options: { env?: Record<string, string>; overrides?: Overrides } = {},
): Promise<TestStack> {
  const { config, env } = await testEnvironment(options.env);
  const deps = allDeps(config, options.overrides);
  const sql = new pg.Pool({ connectionString: config.database.url, max: 2 });
  return {
    config,
    env,
    deps,
    sql,
    close: async () => {
      await closeAllDeps(deps);
      await sql.end();
    },
  };
}
