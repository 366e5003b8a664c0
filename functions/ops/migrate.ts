// Applies pending SQL migrations to the stage's database; run with `sls invoke -f migrate --stage <stage>` after each deploy.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../shared/config.js';
import { makePool } from '../../shared/adapters/postgres/pool.js';
import { migrate } from '../../shared/adapters/postgres/migrate.js';
import { sealPlainPhones } from '../../shared/adapters/postgres/phone-conversion.js';
import { makePhoneProtection } from '../../shared/protection-deps.js';
import { logger } from '../../shared/powertools.js';

// In the Lambda package the SQL files sit at resources/migrations beside the bundle's root.
const migrationsDir = process.env.MIGRATIONS_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../resources/migrations');

export const handler = async () => {
  const config = loadConfig();
  const pool = makePool({ ...config.database, poolMax: 1, statementTimeoutMs: 300_000 });
  try {
    const client = await pool.connect();
    let result;
    try {
      result = await migrate(client, migrationsDir, (message) => logger.info(message));
    } finally {
      client.release();
    }
    // Migration 0005's data step: it needs the phone keys, which SQL cannot reach.
    const phonesSealed = await sealPlainPhones(pool, makePhoneProtection(config));
    logger.info('migrations applied', { applied: result.applied, phonesSealed });
    return { ...result, phonesSealed };
  } finally {
    await pool.end();
  }
};
