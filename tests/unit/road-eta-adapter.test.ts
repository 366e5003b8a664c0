import { CalculateRouteCommand, LocationClient } from '@aws-sdk/client-location';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsLocationRoadEta } from '#shared/adapters/location/aws-location-road-eta.js';

const location = mockClient(LocationClient);
beforeEach(() => location.reset());

const van = { lat: 53.801, lon: -1.549 };
const breakdown = { lat: 53.75, lon: -1.6 };

describe('the AWS Location road ETA', () => {
  it("asks this stage's calculator for a car route from the van to the breakdown, longitude first, leaving now", async () => {
    location.on(CalculateRouteCommand).resolves({
      Summary: { DurationSeconds: 754.2, Distance: 9.3, DistanceUnit: 'Kilometers', RouteBBox: [], DataSource: 'Here' },
      Legs: [],
    });
    const signal = new AbortController().signal;
    const drive = await new AwsLocationRoadEta(new LocationClient({}), 'tyrehero-prod-routes').drive(
      van,
      breakdown,
      signal,
    );
    expect(drive).toEqual({ seconds: 754.2, distanceKm: 9.3 });
    const calls = location.commandCalls(CalculateRouteCommand);
    expect(calls.map((c) => c.args[0].input)).toEqual([
      {
        CalculatorName: 'tyrehero-prod-routes',
        DeparturePosition: [-1.549, 53.801],
        DestinationPosition: [-1.6, 53.75],
        TravelMode: 'Car',
        DepartNow: true,
        DistanceUnit: 'Kilometers',
      },
    ]);
    // The caller's deadline goes with the request, so a late route is abandoned, not waited for.
    expect((calls[0]!.args as unknown[])[1]).toEqual({ abortSignal: signal });
  });

  it('rejects a route without a summary, so dispatch answers with the heuristic', async () => {
    location.on(CalculateRouteCommand).resolves({ Legs: [] });
    await expect(
      new AwsLocationRoadEta(new LocationClient({}), 'routes').drive(van, breakdown, new AbortController().signal),
    ).rejects.toThrow(/without a summary/);
  });
});
