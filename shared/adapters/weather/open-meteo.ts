// Open-Meteo forecast API: every region in one request, hourly, in Open-Meteo's native units (°C, mm, cm, km/h).
import * as z from 'zod';
import type { RegionForecast, ServiceRegion } from '#shared/domain/weather.js';
import { Unavailable } from '#shared/domain/errors.js';
import type { WeatherProvider } from '#shared/ports/weather-provider.js';
import { getJson, type FetchLike, type HttpPolicy } from './http.js';

const openMeteoVariables = [
  'temperature_2m',
  'precipitation',
  'snowfall',
  'wind_speed_10m',
  'wind_gusts_10m',
  'weather_code',
] as const;

const series = z.array(z.number().nullable());
const location = z.object({
  latitude: z.number(),
  longitude: z.number(),
  hourly: z.object({
    // timeformat=unixtime: seconds since the epoch, so no local-time ambiguity on the night the clocks change.
    time: z.array(z.number()),
    temperature_2m: series,
    precipitation: series,
    snowfall: series,
    wind_speed_10m: series,
    wind_gusts_10m: series,
    weather_code: series,
  }),
});
const response = z.union([location, z.array(location)]);
export type OpenMeteoLocation = z.infer<typeof location>;

/** Parses an Open-Meteo answer (one location object, or an array for several) in request order. */
export function parseOpenMeteo(body: unknown): OpenMeteoLocation[] {
  const parsed = response.safeParse(body);
  if (!parsed.success)
    throw new Unavailable(
      `Open-Meteo answered in an unexpected shape: ${parsed.error.issues[0]?.message ?? 'invalid'} at ${parsed.error.issues[0]?.path.join('.') ?? ''}`,
    );
  return Array.isArray(parsed.data) ? parsed.data : [parsed.data];
}

export function toRegionForecast(region: string, data: OpenMeteoLocation, shiftMs = 0): RegionForecast {
  const h = data.hourly;
  return {
    region,
    hours: h.time.map((t, i) => ({
      at: new Date(t * 1000 + shiftMs),
      temperatureC: h.temperature_2m[i] ?? null,
      precipitationMm: h.precipitation[i] ?? null,
      snowfallCm: h.snowfall[i] ?? null,
      windKmh: h.wind_speed_10m[i] ?? null,
      gustKmh: h.wind_gusts_10m[i] ?? null,
      weatherCode: h.weather_code[i] ?? null,
    })),
  };
}

export interface OpenMeteoOptions extends HttpPolicy {
  /** api.open-meteo.com (free, non-commercial) or customer-api.open-meteo.com (with a key). */
  host?: string;
  apiKey?: () => Promise<string | undefined>;
}

export class OpenMeteoProvider implements WeatherProvider {
  readonly name = 'open-meteo';

  constructor(
    private readonly fetchImpl: FetchLike,
    private readonly options: OpenMeteoOptions,
  ) {}

  async hourlyForecasts(regions: ServiceRegion[], _from: Date, hours: number): Promise<RegionForecast[]> {
    const key = await this.options.apiKey?.();
    const query = new URLSearchParams({
      latitude: regions.map((r) => r.lat).join(','),
      longitude: regions.map((r) => r.lon).join(','),
      hourly: openMeteoVariables.join(','),
      timezone: 'Europe/London',
      timeformat: 'unixtime',
      // Counted from the current hour; one more so "hours ahead of now" is covered whatever the minute.
      forecast_hours: String(hours + 1),
      wind_speed_unit: 'kmh',
      ...(key ? { apikey: key } : {}),
    });
    const url = `https://${this.options.host ?? 'api.open-meteo.com'}/v1/forecast?${query.toString()}`;
    const locations = parseOpenMeteo(await getJson(this.fetchImpl, 'Open-Meteo', url, {}, this.options));
    if (locations.length !== regions.length)
      throw new Unavailable(`Open-Meteo answered for ${locations.length} locations, asked for ${regions.length}`);
    return regions.map((r, i) => toRegionForecast(r.name, locations[i]!));
  }
}
