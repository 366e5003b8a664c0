// drFailback moves back to a home region that is healthy again: a planned switchover, never a failover that may lose writes.
import { describe, expect, it } from 'vitest';
import { parseFailbackInput } from '#functions/disaster-recovery/dr-failover.js';
import { ValidationError } from '#shared/domain/errors.js';

const home = 'arn:aws:rds:eu-west-2:123456789012:cluster:tyrehero-dispatch-prod';

describe('drFailback input', () => {
  it('is a switchover, dry run by default', () => {
    expect(parseFailbackInput({ targetClusterArn: home })).toMatchObject({ mode: 'switchover', dryRun: true });
  });

  it('refuses a disaster failover, naming the field', () => {
    const attempt = () =>
      parseFailbackInput({
        targetClusterArn: home,
        mode: 'failover',
        confirmTargetClusterId: 'tyrehero-dispatch-prod',
      });
    expect(attempt).toThrow(ValidationError);
    expect(attempt).toThrow(/planned only: mode must be switchover/);
  });
});
