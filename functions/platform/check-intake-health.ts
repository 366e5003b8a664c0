// Shallow health for load balancers and Route 53: can this region accept an emergency and keep it safe right now?
// It can when PostgreSQL answers, or when the intake buffer takes writes (intake then holds requests there until the
// database is back). A backlog is a business condition, watched by alarms and /ops/health: it never makes this fail.
// A region the active-region record does not name is on standby: it fails, so Route 53 sends the name to the other.
import { isActive, type RegionRole } from '#shared/ports/active-region.js';
import type { IntakeBuffer } from '#shared/ports/intake-buffer.js';
import type { Log } from '#shared/ports/logger.js';
import type { RequestStore } from '#shared/ports/request-store.js';

export interface IntakeHealthDeps {
  requests: Pick<RequestStore, 'ping'>;
  intakeBuffer: Pick<IntakeBuffer, 'probeWritable'>;
  log: Log;
  health: { checkTimeoutMs: number };
  /** Which region serves; absent, this region always does (tests of the checks alone). */
  regionRole?: RegionRole;
}

export interface IntakeHealth {
  /** ok: emergencies are stored; buffering: they are held in the intake buffer; down: neither can take them. */
  status: 'ok' | 'buffering' | 'down' | 'standby';
  /** standby only: the region that serves now. */
  activeRegion?: string;
}

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);

export async function checkIntakeHealth(deps: IntakeHealthDeps): Promise<IntakeHealth> {
  const { checkTimeoutMs } = deps.health;
  if (deps.regionRole && !(await isActive(deps.regionRole)))
    return { status: 'standby', activeRegion: await deps.regionRole.activeRegion() };
  const answers = (name: string, check: Promise<void>) =>
    withTimeout(check, checkTimeoutMs).then(
      () => true,
      (error: unknown) => {
        deps.log.warn(`intake health: ${name} failed`, { error });
        return false;
      },
    );
  const [database, buffer] = await Promise.all([
    answers('postgres', deps.requests.ping(checkTimeoutMs)),
    answers('intake buffer', deps.intakeBuffer.probeWritable(checkTimeoutMs)),
  ]);
  return { status: database ? 'ok' : buffer ? 'buffering' : 'down' };
}
