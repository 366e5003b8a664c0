// Postcode geocoding with an AWS Location Service place index (deployed stages).
import { type LocationClient, SearchPlaceIndexForTextCommand } from '@aws-sdk/client-location';
import type { GeoPoint } from '#shared/domain/emergency.js';
import { Unavailable } from '#shared/domain/errors.js';
import type { Geocoder } from '#shared/ports/geocoder.js';

export class AwsLocationGeocoder implements Geocoder {
  constructor(
    private readonly client: LocationClient,
    private readonly placeIndexName: string,
  ) {}

  async locatePostcode(postcode: string): Promise<GeoPoint | undefined> {
    try {
      const { Results = [] } = await this.client.send(
        new SearchPlaceIndexForTextCommand({
          IndexName: this.placeIndexName,
          Text: postcode,
          FilterCountries: ['GBR'],
          MaxResults: 1,
        }),
        { abortSignal: AbortSignal.timeout(2_000) },
      );
      const point = Results[0]?.Place?.Geometry?.Point;
      // Location Service returns [longitude, latitude].
      return point && point.length === 2 ? { lat: point[1]!, lon: point[0]! } : undefined;
    } catch (error) {
      throw new Unavailable('postcode lookup is unavailable; send lat and lon instead', error);
    }
  }
}
