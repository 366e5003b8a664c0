// The vans each region needs for the forecast hours, against the fleet on shift now: pre-scaling that moves people.
import type { GeoPoint } from '#shared/domain/emergency.js';
import { forecastCalls, regionFleetNeed, type RegionFleetNeed } from '#shared/domain/fleet-needs.js';
import { haversineKm } from '#shared/domain/geo.js';
import { levelOfHour, type RegionForecast, type ServiceRegion, type WeatherRules } from '#shared/domain/weather.js';
import type { FleetReader } from '#shared/ports/live-map.js';

/** The region whose centre is nearest: where a van on shift counts. */
const regionOf = (regions: readonly ServiceRegion[], at: GeoPoint) =>
  regions.reduce((best, r) => (haversineKm(at, r) < haversineKm(at, best) ? r : best)).name;

/**
 * Per region: the forecast hours from the start of this one (up to the rules' lookahead), each hour's level and
 * calls (its calm-day share times the weather's multiplier), and the vans that needs against the vans on shift now
 * (not offline, with a position), assumed to stay on: the figure says how many more to call in, and from when.
 */
export async function fleetNeeds(
  deps: { weatherScaling: { regions: ServiceRegion[]; rules: WeatherRules; callsPerDay?: number } },
  fleet: Pick<FleetReader, 'listFleet'>,
  forecasts: readonly RegionForecast[],
  now: Date,
): Promise<RegionFleetNeed[]> {
  const { regions, rules, callsPerDay = 0 } = deps.weatherScaling;
  const onShift = new Map<string, number>();
  for (const van of await fleet.listFleet()) {
    if (van.status === 'offline' || !van.location) continue;
    const region = regionOf(regions, van.location);
    onShift.set(region, (onShift.get(region) ?? 0) + 1);
  }
  const totalWeight = regions.reduce((sum, r) => sum + r.demandWeight, 0);
  const hourStart = Math.floor(now.getTime() / 3_600_000) * 3_600_000;
  const until = now.getTime() + rules.lookaheadHours * 3_600_000;
  return regions.map((region) => {
    const hours = (forecasts.find((f) => f.region === region.name)?.hours ?? [])
      .filter((h) => h.at.getTime() >= hourStart && h.at.getTime() < until)
      .map((h) => ({ at: h.at, level: levelOfHour(h, rules) }));
    const calls = forecastCalls((callsPerDay * region.demandWeight) / totalWeight, hours, rules.demandMultiplier);
    const vans = onShift.get(region.name) ?? 0;
    return regionFleetNeed(
      region.name,
      hours.map((h, i) => ({ ...h, calls: calls[i]! })),
      hours.map(() => vans),
    );
  });
}
