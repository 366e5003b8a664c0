// Applies pending SQL migrations to the stage's database. Every deploy runs it before any function takes new code
// (Custom::SchemaMigration, resources/schema-migration.cjs); `sls invoke -f migrate --stage <stage>` runs it by hand.
// A schema ahead of this release (a rollback) is left as it is: see MigrationResult.schemaAhead.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConcerns } from '#shared/config/concern.js';
import { dataProtectionConcern } from '#shared/config/data-protection.js';
import { databaseConcern } from '#shared/config/database.js';
import { regionConcern } from '#shared/config/region.js';
import { makePool } from '#shared/adapters/postgres/pool.js';
import { secrets } from '#shared/adapters/secrets/provider.js';
import { enableAppRoleLogin, migrate } from '#shared/adapters/postgres/migrate.js';
import { sealPlainPhones } from '#shared/adapters/postgres/phone-conversion.js';
import { makePhoneProtection } from '#shared/compose/phones.js';
import { logger } from '#shared/powertools/logger.js';

// In the Lambda package the SQL files sit at resources/migrations beside the bundle's root.
const migrationsDir =
  process.env.MIGRATIONS_DIR ??
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../resources/migrations');

export const handler = async () => {
  const config = loadConcerns([regionConcern, databaseConcern, dataProtectionConcern]);
  const pool = makePool({ ...config.database, poolMax: 1, statementTimeoutMs: 300_000 });
  try {
    const client = await pool.connect();
    let result;
    try {
      result = await migrate(client, migrationsDir, (message) => logger.info(message));
      logger.info('migrations applied', { applied: result.applied });
      // Deployed stages: the functions' own role (resources/aurora.yml, AppDatabaseSecret) may now sign in.
      const appSecretArn = process.env.APP_DB_SECRET_ARN;
      if (appSecretArn) {
        const credentials = (await secrets().get(appSecretArn, { transform: 'json' })) as {
          username: string;
          password: string;
        };
        await enableAppRoleLogin(client, credentials);
        logger.info('application role can sign in', { role: credentials.username });
      }
    } finally {
      client.release();
    }
    // The data protection migration's data step: it needs the phone keys, which SQL cannot reach.
    const phonesSealed = await sealPlainPhones(pool, makePhoneProtection(config));
    logger.info('plain phone numbers sealed', { phonesSealed });
    return { ...result, phonesSealed };
  } finally {
    await pool.end();
  }
};
