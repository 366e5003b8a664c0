// Met Office Weather DataHub site-specific hourly point forecast: one request per region, converted to common units.
import * as z from 'zod';
import type { HourlyWeather, RegionForecast, ServiceRegion } from '#shared/domain/weather.js';
import { Unavailable } from '#shared/domain/errors.js';
import type { WeatherProvider } from '#shared/ports/weather-provider.js';
import { getJson, type FetchLike, type HttpPolicy } from './http.js';

const value = z.number().nullable().optional();
const hourSchema = z.object({
  time: z.string(),
  screenTemperature: value,
  minScreenAirTemp: value,
  windSpeed10m: value,
  windGustSpeed10m: value,
  max10mWindGust: value,
  totalPrecipAmount: value,
  totalSnowAmount: value,
  significantWeatherCode: value,
});
const collection = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(z.object({ properties: z.object({ timeSeries: z.array(hourSchema) }) })).min(1),
});

/**
 * Met Office significant weather codes are not WMO codes: map them onto the WMO codes the rules know. Sleet counts as
 * snow (as the Met Office's own snow statistics do); fog cannot be told from rime fog here, so it is left to the
 * temperature rule; -1 is "trace rain".
 */
const metOfficeToWmo: Record<number, number> = {
  [-1]: 51,
  0: 0,
  1: 0,
  2: 2,
  3: 2,
  5: 45,
  6: 45,
  7: 3,
  8: 3,
  9: 80,
  10: 80,
  11: 51,
  12: 61,
  13: 82,
  14: 82,
  15: 65,
  16: 85,
  17: 85,
  18: 71,
  19: 89,
  20: 89,
  21: 89,
  22: 85,
  23: 85,
  24: 71,
  25: 86,
  26: 86,
  27: 75,
  28: 95,
  29: 95,
  30: 95,
};

const metresPerSecondToKmh = (v: number | null | undefined) =>
  v === null || v === undefined ? null : Math.round(v * 3.6 * 10) / 10;

function parseMetOffice(region: string, body: unknown): RegionForecast {
  const parsed = collection.safeParse(body);
  if (!parsed.success)
    throw new Unavailable(
      `Met Office answered in an unexpected shape for ${region}: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    );
  const hours = parsed.data.features[0]!.properties.timeSeries.map((h): HourlyWeather => {
    const gusts = [metresPerSecondToKmh(h.windGustSpeed10m), metresPerSecondToKmh(h.max10mWindGust)].filter(
      (g): g is number => g !== null,
    );
    return {
      at: new Date(h.time),
      // The hour's minimum: ice forms at the coldest moment, not the mean.
      temperatureC: h.minScreenAirTemp ?? h.screenTemperature ?? null,
      precipitationMm: h.totalPrecipAmount ?? null,
      // totalSnowAmount is in mm.
      snowfallCm: h.totalSnowAmount === null || h.totalSnowAmount === undefined ? null : h.totalSnowAmount / 10,
      windKmh: metresPerSecondToKmh(h.windSpeed10m),
      gustKmh: gusts.length ? Math.max(...gusts) : null,
      weatherCode:
        h.significantWeatherCode === null || h.significantWeatherCode === undefined
          ? null
          : (metOfficeToWmo[h.significantWeatherCode] ?? null),
    };
  });
  return { region, hours };
}

export interface MetOfficeOptions extends HttpPolicy {
  host?: string;
  apiKey: () => Promise<string | undefined>;
}

export class MetOfficeProvider implements WeatherProvider {
  readonly name = 'met-office';

  constructor(
    private readonly fetchImpl: FetchLike,
    private readonly options: MetOfficeOptions,
  ) {}

  async hourlyForecasts(regions: ServiceRegion[]): Promise<RegionForecast[]> {
    const key = await this.options.apiKey();
    if (!key) throw new Unavailable('Met Office API key is not configured');
    const host = this.options.host ?? 'data.hub.api.metoffice.gov.uk';
    return Promise.all(
      regions.map(async (r) => {
        const query = new URLSearchParams({
          latitude: String(r.lat),
          longitude: String(r.lon),
          excludeParameterMetadata: 'true',
          includeLocationName: 'false',
        });
        const body = await getJson(
          this.fetchImpl,
          'Met Office',
          `https://${host}/sitespecific/v0/point/hourly?${query.toString()}`,
          { apikey: key },
          this.options,
        );
        return parseMetOffice(r.name, body);
      }),
    );
  }
}
