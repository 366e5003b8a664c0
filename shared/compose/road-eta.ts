// The assigned van's road ETA for intake: AWS Location's route calculator in AWS, none (the heuristic) locally.
import { LocationClient } from '@aws-sdk/client-location';
import type { CoreConfig } from '#shared/config/core.js';
import { AwsLocationRoadEta } from '#shared/adapters/location/aws-location-road-eta.js';
import { namingUnreachable, sdkClientOptions } from '#shared/adapters/sdk-client-options.js';
import type { RoadEta } from '#shared/ports/road-eta.js';

export function roadEta(
  config: Pick<CoreConfig, 'region' | 'roadEta'>,
): { engine: RoadEta; timeoutMs: number } | undefined {
  return config.roadEta.kind === 'aws-location'
    ? {
        engine: new AwsLocationRoadEta(
          namingUnreachable(new LocationClient({ region: config.region, ...sdkClientOptions() })),
          config.roadEta.calculatorName!,
        ),
        timeoutMs: config.roadEta.timeoutMs,
      }
    : undefined;
}
