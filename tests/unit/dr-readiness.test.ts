import { describe, expect, it } from 'vitest';
import { assessDrReadiness, type DrFacts } from '#shared/domain/dr-readiness.js';

const notApplicable = {
  kind: 'not-applicable',
  why: 'no AWS control plane on this stage (DR_CONTROL_PLANE=none)',
} as const;
const read = <T>(value: T) => ({ kind: 'read', value }) as const;

// What drCheck sees on npm start: the data checks read, the control plane absent.
const local: DrFacts = {
  now: new Date('2026-11-30T06:00:00Z'),
  cluster: notApplicable,
  globalCluster: notApplicable,
  lag: notApplicable,
  latestAutomatedBackup: notApplicable,
  tables: notApplicable,
  buffer: read({ depth: 0 }),
  lostRequests: read(0),
  stuck: read([]),
  gaps: read([]),
  pendingRequests: read(0),
};

describe('DR readiness', () => {
  it('reports what it could not check as skipped, never as passed', () => {
    const report = assessDrReadiness(local);
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c.status]));
    expect(byName).toMatchObject({
      'aurora-cluster': 'skipped',
      'global-database': 'skipped',
      'replication-lag': 'skipped',
      backups: 'skipped',
      'intake-buffer': 'pass',
      'lost-requests': 'pass',
    });
    expect(report.checks.find((c) => c.name === 'aurora-cluster')!.detail).toMatch(
      /^not checked: no AWS control plane/,
    );
    expect(report.status).toBe('pass');
  });

  it('fails a check whose fact could not be read', () => {
    const report = assessDrReadiness({ ...local, cluster: { kind: 'error', message: 'AccessDenied' } });
    expect(report.checks.find((c) => c.name === 'aurora-cluster')).toMatchObject({
      status: 'fail',
      detail: 'could not be read: AccessDenied',
    });
    expect(report.status).toBe('fail');
  });
});
