// The deep health report's verdicts, from dependency probes that answer, fail or are not used on the stage.
import { describe, expect, it } from 'vitest';
import { DependencyNotReady, type DependencyKind, type DependencyProbe } from '#shared/ports/dependency-probe.js';
import { checkHealth, type HealthDeps } from '#functions/platform/check-health.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
/** Each reading of the clock is 5 ms after the last, so every check takes some time. */
const ticking = () => {
  let t = 0;
  return { now: () => new Date((t += 5)) };
};
const answers = (name: string, kind: DependencyKind): DependencyProbe => ({
  name,
  kind,
  check: () => Promise.resolve(),
});
const fails = (name: string, kind: DependencyKind, error: Error): DependencyProbe => ({
  name,
  kind,
  check: () => Promise.reject(error),
});
const silent = (name: string, kind: DependencyKind): DependencyProbe => ({
  name,
  kind,
  check: () => new Promise(() => undefined),
});
const everything = (replace: Record<string, DependencyProbe> = {}): DependencyProbe[] =>
  [
    answers('postgresql:writer', 'postgresql'),
    answers('dynamodb:locations', 'dynamodb'),
    answers('kms:phone-data-key', 'kms'),
    answers('secrets-manager:database', 'secrets-manager'),
    answers('sns:ops-alerts', 'sns'),
  ].map((p) => replace[p.name] ?? p);
const deps = (dependencies: DependencyProbe[]): HealthDeps => ({
  requests: { countPending: () => Promise.resolve(0) },
  dependencies,
  clock: ticking(),
  log: quiet,
  health: { backlogDegradedAbove: 10, checkTimeoutMs: 50 },
});
const verdicts = (report: Awaited<ReturnType<typeof checkHealth>>) =>
  Object.fromEntries(report.dependencies.map((d) => [d.name, d.error ?? d.verdict]));

describe('checkHealth', () => {
  it('reports every dependency reachable, with its latency, and the service healthy', async () => {
    const report = await checkHealth(deps(everything()));
    expect(report.status).toBe('healthy');
    expect(report.dependencies[0]).toEqual({
      name: 'postgresql:writer',
      verdict: 'reachable',
      latencyMs: expect.any(Number),
    });
    expect(report.dependencies.every((d) => d.verdict === 'reachable' && d.latencyMs! > 0)).toBe(true);
  });

  it('is unhealthy when the phone keys cannot be reached: no request can be sealed and stored', async () => {
    const refused = Object.assign(new Error('KMS DescribeKey unreachable: connect ECONNREFUSED 10.0.0.1:443'), {
      code: 'ECONNREFUSED',
    });
    const report = await checkHealth(
      deps(everything({ 'kms:phone-data-key': fails('kms:phone-data-key', 'kms', refused) })),
    );
    expect(report).toMatchObject({
      status: 'unhealthy',
      checks: { postgres: { status: 'ok' }, dynamodb: { status: 'ok' } },
      severity: { severity: 'P1' },
    });
    expect(report.dependencies.find((d) => d.name === 'kms:phone-data-key')).toEqual({
      name: 'kms:phone-data-key',
      verdict: 'unreachable',
      latencyMs: expect.any(Number),
      error: 'ECONNREFUSED',
    });
    // The kind of failure only: never the address.
    expect(JSON.stringify(report)).not.toContain('10.0.0.1');
  });

  it('is degraded when only the operations topic or the secret cannot be reached', async () => {
    const denied = Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' });
    const report = await checkHealth(
      deps(
        everything({
          'sns:ops-alerts': fails('sns:ops-alerts', 'sns', denied),
          'secrets-manager:database': silent('secrets-manager:database', 'secrets-manager'),
        }),
      ),
    );
    expect(report.status).toBe('degraded');
    expect(verdicts(report)).toEqual({
      'postgresql:writer': 'reachable',
      'dynamodb:locations': 'reachable',
      'kms:phone-data-key': 'reachable',
      'secrets-manager:database': 'timed out',
      'sns:ops-alerts': 'AccessDeniedException',
    });
  });

  it('says why a service answered but is not ready, and never checks one the stage does not use', async () => {
    const notUsed: DependencyProbe = {
      name: 'kms:phone-data-key',
      kind: 'kms',
      notUsed: 'not used on this stage',
      check: () => Promise.reject(new Error('checked')),
    };
    const report = await checkHealth(
      deps(
        everything({
          'dynamodb:locations': fails('dynamodb:locations', 'dynamodb', new DependencyNotReady('table is CREATING')),
          'kms:phone-data-key': notUsed,
        }),
      ),
    );
    expect(report.dependencies.slice(1, 3)).toEqual([
      { name: 'dynamodb:locations', verdict: 'unreachable', latencyMs: expect.any(Number), error: 'table is CREATING' },
      { name: 'kms:phone-data-key', verdict: 'not-used', detail: 'not used on this stage' },
    ]);
    expect(report).toMatchObject({
      status: 'unhealthy',
      checks: { dynamodb: { status: 'failed', detail: 'unreachable' } },
    });
  });
});
