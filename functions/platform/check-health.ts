// Health of the service for operations: can each dependency the functions need be reached, and is the queue keeping up?
import { assessSeverity, type SeverityAssessment, type ServiceAvailability } from '#shared/domain/incident-severity.js';
import type { Clock } from '#shared/ports/clock.js';
import { DependencyNotReady, type DependencyKind, type DependencyProbe } from '#shared/ports/dependency-probe.js';
import type { Log } from '#shared/ports/logger.js';
import type { RequestStore } from '#shared/ports/request-store.js';

export interface HealthDeps {
  requests: Pick<RequestStore, 'countPending'>;
  dependencies: DependencyProbe[];
  clock: Clock;
  log: Log;
  health: { backlogDegradedAbove: number; checkTimeoutMs: number };
}

type CheckStatus = 'ok' | 'degraded' | 'failed';
export interface DependencyReport {
  name: string;
  verdict: 'reachable' | 'unreachable' | 'not-used';
  latencyMs?: number;
  /** Unreachable: the kind of failure only (a code or error name), never a host, connection string or SQL. */
  error?: string;
  /** Not used: why this stage has no such dependency. */
  detail?: string;
}
export interface HealthReport {
  status: 'healthy' | 'degraded' | 'unhealthy';
  checks: {
    postgres: { status: CheckStatus; detail?: string };
    dynamodb: { status: CheckStatus; detail?: string };
    backlog: { status: CheckStatus; pending?: number; threshold: number; detail?: string };
  };
  dependencies: DependencyReport[];
  /** The incident playbook's level for what these checks can see. */
  severity: SeverityAssessment;
}

/**
 * Without PostgreSQL nothing is dispatched; without DynamoDB there is no technician index and no intake buffer; without
 * the phone keys no request can be sealed and stored. Secrets Manager (a new connection's password; warm containers
 * keep theirs) and SNS (messages, not intake) leave the service degraded.
 */
const essential = new Set<DependencyKind>(['postgresql', 'dynamodb', 'kms']);

const timedOut = 'timed out';
const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(timedOut)), ms).unref())]);

const codeOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
};

function shortError(error: unknown): string {
  if (!(error instanceof Error)) return 'failed';
  if (error instanceof DependencyNotReady) return error.message;
  if (error.message === timedOut || error.name === 'TimeoutError' || error.name === 'AbortError') return timedOut;
  return codeOf(error) ?? codeOf(error.cause) ?? (error.name === 'Error' ? 'failed' : error.name);
}

async function probe(dependency: DependencyProbe, deps: HealthDeps): Promise<DependencyReport> {
  if (dependency.notUsed !== undefined)
    return { name: dependency.name, verdict: 'not-used', detail: dependency.notUsed };
  const started = deps.clock.now().getTime();
  try {
    await withTimeout(dependency.check(deps.health.checkTimeoutMs), deps.health.checkTimeoutMs);
    return { name: dependency.name, verdict: 'reachable', latencyMs: deps.clock.now().getTime() - started };
  } catch (error) {
    deps.log.warn(`health check ${dependency.name} failed`, { error });
    return {
      name: dependency.name,
      verdict: 'unreachable',
      latencyMs: deps.clock.now().getTime() - started,
      error: shortError(error),
    };
  }
}

/** The summary check of one kind: failed when any of its dependencies is unreachable. */
function summary(
  kind: DependencyKind,
  probes: DependencyProbe[],
  reports: DependencyReport[],
): { status: CheckStatus; detail?: string } {
  const failed = reports.filter((report, i) => probes[i]!.kind === kind && report.verdict === 'unreachable');
  if (failed.length === 0) return { status: 'ok' };
  return { status: 'failed', detail: failed.every((report) => report.error === timedOut) ? timedOut : 'unreachable' };
}

export async function checkHealth(deps: HealthDeps): Promise<HealthReport> {
  const { checkTimeoutMs, backlogDegradedAbove } = deps.health;
  const [dependencies, pending] = await Promise.all([
    Promise.all(deps.dependencies.map((dependency) => probe(dependency, deps))),
    withTimeout(deps.requests.countPending(), checkTimeoutMs).then(
      (n) => n,
      () => undefined,
    ),
  ]);
  const postgres = summary('postgresql', deps.dependencies, dependencies);
  const dynamodb = summary('dynamodb', deps.dependencies, dependencies);
  const backlog =
    pending === undefined
      ? { status: 'failed' as const, threshold: backlogDegradedAbove, detail: 'could not count pending requests' }
      : {
          status: pending > backlogDegradedAbove ? ('degraded' as const) : ('ok' as const),
          pending,
          threshold: backlogDegradedAbove,
        };

  const unreachable = deps.dependencies.filter((_, i) => dependencies[i]!.verdict === 'unreachable');
  const allOk = unreachable.length === 0 && backlog.status === 'ok';
  const status = unreachable.some((d) => essential.has(d.kind)) ? 'unhealthy' : allOk ? 'healthy' : 'degraded';
  // The 90-minute promise cannot be kept when an essential dependency is gone: the service is down.
  // A long backlog is not an outage: the severity counts the queue itself.
  const service: ServiceAvailability =
    status === 'unhealthy' ? 'down' : backlog.status === 'failed' || unreachable.length > 0 ? 'degraded' : 'up';
  // Health cannot see who is affected; /ops/metrics counts customers past their deadline.
  const severity = assessSeverity({
    service,
    affectedCustomers: 0,
    dataIntegrityFailure: false,
    security: 'none',
    queueLength: pending ?? 0,
  });
  return { status, checks: { postgres, dynamodb, backlog }, dependencies, severity };
}
