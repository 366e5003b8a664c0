// Postcode → position for intake: AWS Location in AWS, the built-in outward-code table locally.
import { LocationClient } from '@aws-sdk/client-location';
import type { CoreConfig } from '#shared/config/core.js';
import { AwsLocationGeocoder } from '#shared/adapters/location/aws-location-geocoder.js';
import { OfflineGeocoder } from '#shared/adapters/location/outward-codes.js';
import { namingUnreachable, sdkClientOptions } from '#shared/adapters/sdk-client-options.js';
import type { Geocoder } from '#shared/ports/geocoder.js';

export function geocoder(config: Pick<CoreConfig, 'region' | 'geocoder'>): Geocoder {
  return config.geocoder.kind === 'aws-location'
    ? new AwsLocationGeocoder(
        namingUnreachable(new LocationClient({ region: config.region, ...sdkClientOptions() })),
        config.geocoder.placeIndexName!,
      )
    : new OfflineGeocoder();
}
