// Road driving time from an Amazon Location route calculator (CalculateRoute, HERE data); the caller bounds its wait.
import { CalculateRouteCommand, type LocationClient } from '@aws-sdk/client-location';
import type { GeoPoint } from '#shared/domain/emergency.js';
import type { RoadDrive, RoadEta } from '#shared/ports/road-eta.js';

export class AwsLocationRoadEta implements RoadEta {
  constructor(
    private readonly client: LocationClient,
    private readonly calculatorName: string,
  ) {}

  async drive(from: GeoPoint, to: GeoPoint, signal: AbortSignal): Promise<RoadDrive> {
    const { Summary } = await this.client.send(
      new CalculateRouteCommand({
        CalculatorName: this.calculatorName,
        // Location Service takes [longitude, latitude].
        DeparturePosition: [from.lon, from.lat],
        DestinationPosition: [to.lon, to.lat],
        TravelMode: 'Car',
        DepartNow: true,
        DistanceUnit: 'Kilometers',
      }),
      { abortSignal: signal },
    );
    const seconds = Summary?.DurationSeconds;
    const distanceKm = Summary?.Distance;
    if (seconds === undefined || distanceKm === undefined) throw new Error('CalculateRoute answered without a summary');
    return { seconds, distanceKm };
  }
}
