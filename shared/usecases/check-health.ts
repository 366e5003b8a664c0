// Health of the intake path: can we store requests, reach DynamoDB, and keep up with the queue?
import { assessSeverity, type SeverityAssessment, type ServiceAvailability } from '../domain/incident-severity.js';
import type { Log } from '../ports/logger.js';
import type { RequestStore } from '../ports/request-store.js';
import type { TableProbe } from '../ports/table-probe.js';

export interface HealthDeps {
  requests: RequestStore;
  tables: TableProbe;
  log: Log;
  health: { backlogDegradedAbove: number; checkTimeoutMs: number };
}

type CheckStatus = 'ok' | 'degraded' | 'failed';
export interface HealthReport {
  status: 'healthy' | 'degraded' | 'unhealthy';
  checks: {
    postgres: { status: CheckStatus; detail?: string };
    dynamodb: { status: CheckStatus; detail?: string };
    backlog: { status: CheckStatus; pending?: number; threshold: number; detail?: string };
  };
  /** The incident playbook's level for what these checks can see. */
  severity: SeverityAssessment;
}

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);

export async function checkHealth(deps: HealthDeps): Promise<HealthReport> {
  const { checkTimeoutMs, backlogDegradedAbove } = deps.health;
  const failure = (name: string) => (error: unknown) => {
    deps.log.warn(`health check ${name} failed`, { error: error });
    // Detail names the kind of failure only: never a connection string, host or SQL.
    return { status: 'failed' as const, detail: error instanceof Error && /no answer within/.test(error.message) ? 'timed out' : 'unreachable' };
  };

  const [postgres, dynamodb, pending] = await Promise.all([
    withTimeout(deps.requests.ping(checkTimeoutMs), checkTimeoutMs).then(() => ({ status: 'ok' as const }), failure('postgres')),
    withTimeout(deps.tables.checkTables(checkTimeoutMs), checkTimeoutMs).then(() => ({ status: 'ok' as const }), failure('dynamodb')),
    withTimeout(deps.requests.countPending(), checkTimeoutMs).then((n) => n, () => undefined),
  ]);
  const backlog =
    pending === undefined
      ? { status: 'failed' as const, threshold: backlogDegradedAbove, detail: 'could not count pending requests' }
      : { status: pending > backlogDegradedAbove ? ('degraded' as const) : ('ok' as const), pending, threshold: backlogDegradedAbove };

  const allOk = [postgres, dynamodb, backlog].every((check) => check.status === 'ok');
  const status = postgres.status === 'failed' || dynamodb.status === 'failed' ? 'unhealthy' : allOk ? 'healthy' : 'degraded';
  // Without PostgreSQL nothing is dispatched (requests only wait in the buffer); without DynamoDB there is no
  // technician index and no intake buffer: either way the 90-minute promise cannot be kept, so the service is down.
  const service: ServiceAvailability = status === 'unhealthy' ? 'down' : backlog.status === 'failed' ? 'degraded' : 'up';
  // Health cannot see who is affected; /ops/metrics counts customers past their deadline.
  const severity = assessSeverity({ service, affectedCustomers: 0, dataIntegrityFailure: false, security: 'none', queueLength: pending ?? 0 });
  return { status, checks: { postgres, dynamodb, backlog }, severity };
}
