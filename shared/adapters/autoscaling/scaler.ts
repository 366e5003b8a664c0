// Scaler over Application Auto Scaling (Lambda provisioned concurrency) and RDS (Aurora Serverless v2 min ACU), or the log.
import {
  RegisterScalableTargetCommand,
  type ApplicationAutoScalingClient,
} from '@aws-sdk/client-application-auto-scaling';
import { ModifyDBClusterCommand, type RDSClient } from '@aws-sdk/client-rds';
import type { WeatherLevel } from '#shared/domain/priority.js';
import { capacityFor, describeCapacity, type ScalingTarget } from '#shared/domain/weather-scaling.js';
import type { Log } from '#shared/ports/logger.js';
import type { Scaler } from '#shared/ports/scaler.js';

export class AwsScaler implements Scaler {
  constructor(
    private readonly autoScaling: ApplicationAutoScalingClient,
    private readonly rds: RDSClient,
  ) {}

  async apply(target: ScalingTarget, level: WeatherLevel): Promise<void> {
    if (target.kind === 'provisioned-concurrency') {
      const { min, max } = target.capacity[level];
      // Registering an existing target updates its bounds; Application Auto Scaling then moves provisioned concurrency to at least min.
      await this.autoScaling.send(
        new RegisterScalableTargetCommand({
          ServiceNamespace: 'lambda',
          ScalableDimension: 'lambda:function:ProvisionedConcurrency',
          ResourceId: `function:${target.functionName}:${target.alias}`,
          MinCapacity: min,
          MaxCapacity: max,
        }),
      );
    } else {
      await this.rds.send(
        new ModifyDBClusterCommand({
          DBClusterIdentifier: target.clusterId,
          ServerlessV2ScalingConfiguration: { MinCapacity: target.minAcu[level], MaxCapacity: target.maxAcu },
          ApplyImmediately: true,
        }),
      );
    }
  }
}

export class LogScaler implements Scaler {
  constructor(private readonly log: Log) {}

  apply(target: ScalingTarget, level: WeatherLevel): Promise<void> {
    this.log.info(`NOT APPLIED (SCALER=log) ${target.name} → ${describeCapacity(capacityFor(target, level))}`, {
      target: target.name,
      level,
    });
    return Promise.resolve();
  }
}
