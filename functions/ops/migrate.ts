// Applies pending SQL migrations to the stage's database; run with `sls invoke -f migrate --stage <stage>` after each deploy.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConcerns, parseDatabase } from '../../shared/config.js';
import { makePool } from '../../shared/adapters/postgres/pool.js';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { enableAppRoleLogin, migrate } from '../../shared/adapters/postgres/migrate.js';
import { logger } from '../../shared/powertools/logger.js';

// In the Lambda package the SQL files sit at resources/migrations beside the bundle's root.
const migrationsDir = process.env.MIGRATIONS_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../resources/migrations');

export const handler = async () => {
  const pool = makePool({ ...loadConcerns({ database: parseDatabase }).database, poolMax: 1, statementTimeoutMs: 300_000 });
  const client = await pool.connect();
  try {
    const result = await migrate(client, migrationsDir, (message) => logger.info(message));
    logger.info('migrations applied', { applied: result.applied });
    // Deployed stages: the functions' own role (resources/aurora.yml, AppDatabaseSecret) may now sign in.
    const appSecretArn = process.env.APP_DB_SECRET_ARN;
    if (appSecretArn) {
      const credentials = (await getSecret(appSecretArn, { transform: 'json' })) as { username: string; password: string };
      await enableAppRoleLogin(client, credentials);
      logger.info('application role can sign in', { role: credentials.username });
    }
    return result;
  } finally {
    client.release();
    await pool.end();
  }
};
