// A private PostgreSQL database (cloned from the migrated template) and private DynamoDB tables on shared engines: tests and benchmarks.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { loadConfig, type Config } from '../config.js';
import { createTables, databaseUrlFor } from './engines.js';

/** Migrated once per run by prepareDatabase; every isolated database is a cheap copy of it. */
export const templateDatabase = 'tyrehero_template';

export interface SharedEngines {
  /** Server URL without a database name. */
  pgServerUrl: string;
  dynamodbEndpoint: string;
}

async function createDatabaseFromTemplate(serverUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    // Two callers cloning the template at the same instant can collide on its lock; retry briefly.
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(
          `CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(templateDatabase)}`,
        );
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

/** Config for a fresh database and fresh tables of its own, so callers never see each other's rows. */
export async function isolatedConfig(engines: SharedEngines, env: Record<string, string> = {}): Promise<Config> {
  return (await isolatedEnvironment(engines, env)).config;
}

/**
 * The same, with the environment it was read from: what a function module's own composition root reads at import,
 * so a test can load the real root against its own database and tables.
 */
export async function isolatedEnvironment(
  engines: SharedEngines,
  env: Record<string, string> = {},
): Promise<{ config: Config; env: Record<string, string> }> {
  const suffix = randomUUID().slice(0, 8);
  const database = `t_${suffix}`;
  await createDatabaseFromTemplate(engines.pgServerUrl, database);
  const isolated: Record<string, string> = {
    DATABASE_URL: databaseUrlFor(engines.pgServerUrl, database),
    DYNAMODB_ENDPOINT: engines.dynamodbEndpoint,
    LOCATIONS_TABLE: `${suffix}-locations`,
    IDEMPOTENCY_TABLE: `${suffix}-idempotency`,
    SCALING_STATE_TABLE: `${suffix}-scaling-state`,
    INTAKE_BUFFER_TABLE: `${suffix}-intake-buffer`,
    RATE_LIMITS_TABLE: `${suffix}-rate-limits`,
    GEOCODER: 'offline',
    ...env,
  };
  const config = loadConfig({ ...process.env, ...isolated });
  await createTables(engines.dynamodbEndpoint, config.tables);
  return { config, env: isolated };
}
