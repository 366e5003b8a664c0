// The traffic shifts CodeDeploy does not predefine (staging's 2-minute canary, the hotfix's 1-minute one) become a
// declared AWS::CodeDeploy::DeploymentConfig; a misspelt shift fails at packaging instead of at CodeDeploy.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const { deploymentConfigFor } = require('../../scripts/serverless/canary-rollback.cjs') as {
  deploymentConfigFor: (type: string) => unknown;
};

describe('deploymentConfigFor', () => {
  it('declares nothing for the shifts CodeDeploy predefines', () => {
    for (const type of [
      'AllAtOnce',
      'Canary10Percent5Minutes',
      'Canary10Percent30Minutes',
      'Linear10PercentEvery1Minute',
    ])
      expect(deploymentConfigFor(type), type).toBeUndefined();
  });

  it('declares the hotfix’s 1-minute canary and staging’s 2-minute one', () => {
    expect(deploymentConfigFor('Canary10Percent1Minute')).toEqual({
      Type: 'AWS::CodeDeploy::DeploymentConfig',
      Properties: {
        ComputePlatform: 'Lambda',
        TrafficRoutingConfig: { Type: 'TimeBasedCanary', TimeBasedCanary: { CanaryPercentage: 10, CanaryInterval: 1 } },
      },
    });
    expect(deploymentConfigFor('Canary10Percent2Minutes')).toMatchObject({
      Properties: { TrafficRoutingConfig: { TimeBasedCanary: { CanaryPercentage: 10, CanaryInterval: 2 } } },
    });
    expect(deploymentConfigFor('Linear20PercentEvery1Minute')).toMatchObject({
      Properties: {
        TrafficRoutingConfig: { Type: 'TimeBasedLinear', TimeBasedLinear: { LinearPercentage: 20, LinearInterval: 1 } },
      },
    });
  });

  it('refuses a shift it cannot read, or a share no canary can have', () => {
    expect(() => deploymentConfigFor('Canary10Percent5Minute s')).toThrow(/neither predefined/);
    expect(() => deploymentConfigFor('BlueGreen')).toThrow(/neither predefined/);
    expect(() => deploymentConfigFor('Canary100Percent1Minute')).toThrow(/1 to 99 percent/);
  });
});
