// Postcode → position for intake: AWS Location in AWS, the built-in outward-code table locally.
import { LocationClient } from '@aws-sdk/client-location';
import type { Config } from '../config.js';
import { AwsLocationGeocoder } from '../adapters/location/aws-location-geocoder.js';
import { OfflineGeocoder } from '../adapters/location/outward-codes.js';
import { namingUnreachable, sdkClientOptions } from '../adapters/sdk-client-options.js';
import type { Geocoder } from '../ports/geocoder.js';

export function geocoder(config: Pick<Config, 'region' | 'geocoder'>): Geocoder {
  return config.geocoder.kind === 'aws-location'
    ? new AwsLocationGeocoder(
        namingUnreachable(new LocationClient({ region: config.region, ...sdkClientOptions() })),
        config.geocoder.placeIndexName!,
      )
    : new OfflineGeocoder();
}
