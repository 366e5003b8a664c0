import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// The packaged trail, bucket and policies as AWS reads them are tests/package/package-regions.test.ts; these are the decisions.
type Fragment = { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
const { forensicTrailResources } = createRequire(import.meta.url)('../../resources/forensic-trail.cjs') as {
  forensicTrailResources: (o: {
    service: string;
    stage: string;
    enabled: boolean;
    role: string;
    retentionDays: number;
  }) => Fragment;
};

const prod = { service: 'tyrehero-dispatch', stage: 'prod', enabled: true, retentionDays: 365 };
const ids = (f: Fragment) => Object.keys(f.Resources).sort();

describe('where the forensic trail lives (resources/forensic-trail.cjs)', () => {
  it('is in a pair’s secondary, not its primary: one trail per stage, readable when the primary region is gone', () => {
    expect(ids(forensicTrailResources({ ...prod, role: 'secondary' }))).toEqual([
      'ForensicTrail',
      'ForensicTrailBucket',
      'ForensicTrailBucketPolicy',
    ]);
    expect(ids(forensicTrailResources({ ...prod, role: 'primary' }))).toEqual([]);
  });

  it('is in a one-region stage’s only stack when the stage asks for it, and nowhere when it does not', () => {
    expect(ids(forensicTrailResources({ ...prod, role: 'single' }))).toHaveLength(3);
    expect(ids(forensicTrailResources({ ...prod, enabled: false, role: 'single' }))).toEqual([]);
    expect(ids(forensicTrailResources({ ...prod, enabled: false, role: 'secondary' }))).toEqual([]);
  });

  it('refuses a retention shorter than CloudTrail’s own 90-day event history', () => {
    expect(() => forensicTrailResources({ ...prod, role: 'secondary', retentionDays: 30 })).toThrow(/at least 90/);
  });
});
