// Hourly forecasts for the service regions, from whichever provider the stage is configured with.
import type { RegionForecast, ServiceRegion } from '#shared/domain/weather.js';

export interface WeatherProvider {
  readonly name: string;
  /**
   * Hourly forecasts for every region from the start of the hour of `from`, at least `hours` ahead.
   * Throws Unavailable when any region's forecast cannot be had: a partial picture must not scale anything down.
   */
  hourlyForecasts(regions: ServiceRegion[], from: Date, hours: number): Promise<RegionForecast[]>;
}
