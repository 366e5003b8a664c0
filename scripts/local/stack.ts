// The whole local back end (engines, schema, tables, seed data) as one call, shared by `npm start`, e2e tests and benchmarks.
import path from 'node:path';
import { loadConfig, type Config } from '../config.js';
import {
  createTables,
  databaseUrlFor,
  prepareDatabase,
  projectRoot,
  startEngines,
  wipe,
  type Engines,
} from './engines.js';
import { localSigner } from './auth.js';
import { seedTechnicians } from './seed.js';

export interface LocalStackOptions {
  fresh?: boolean;
  persistent?: boolean;
  dataDir?: string;
  pgPort?: number;
  dynamoPort?: number;
  log?: (message: string) => void;
}

export interface LocalStack {
  engines: Engines;
  /** Environment that points the service's code at this stack. */
  env: Record<string, string>;
  config: Config;
  stop(): Promise<void>;
}

export const localDataDir = path.join(projectRoot, '.local');

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? (() => undefined);
  const dataDir = options.dataDir ?? localDataDir;
  if (options.fresh) {
    log(`wiping local data in ${dataDir}`);
    wipe(dataDir);
  }
  const external = { databaseUrl: process.env.DATABASE_URL, dynamodbEndpoint: process.env.DYNAMODB_ENDPOINT };
  const engines = await startEngines({
    dataDir,
    persistent: options.persistent ?? true,
    pgPort: options.pgPort,
    dynamoPort: options.dynamoPort,
    log,
    // An external DATABASE_URL names its own database; use its server and keep its database name.
    databaseUrl: external.databaseUrl,
    dynamodbEndpoint: external.dynamodbEndpoint,
  });
  try {
    const databaseName = external.databaseUrl
      ? new URL(external.databaseUrl).pathname.slice(1) || 'tyrehero'
      : 'tyrehero';
    const databaseUrl = await prepareDatabase(engines.serverUrl, databaseName, log);
    const env: Record<string, string> = {
      STAGE: 'local',
      DATABASE_URL: databaseUrlFor(databaseUrl, databaseName),
      DYNAMODB_ENDPOINT: engines.dynamodbEndpoint,
      GEOCODER: 'offline',
      AWS_REGION: process.env.AWS_REGION ?? 'eu-west-2',
      // Staff tokens are verified against this key's public half; `npm run token` signs with the private half.
      AUTH_JWKS: (await localSigner(dataDir)).publicJwks,
    };
    const config = loadConfig({ ...process.env, ...env });
    await createTables(engines.dynamodbEndpoint, config.tables);
    const seeded = await seedTechnicians(env.DATABASE_URL!);
    if (seeded) log(`seeded ${seeded} demo technicians`);
    return { engines, env, config, stop: () => engines.stop() };
  } catch (error) {
    await engines.stop();
    throw error;
  }
}
