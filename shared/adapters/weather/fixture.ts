// Serves a forecast from a JSON file in Open-Meteo's response shape, re-based to now: the local stage and demos.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RegionForecast, ServiceRegion } from '#shared/domain/weather.js';
import { Unavailable } from '#shared/domain/errors.js';
import type { WeatherProvider } from '#shared/ports/weather-provider.js';
import { parseOpenMeteo, toRegionForecast } from './open-meteo.js';

export class FixtureWeatherProvider implements WeatherProvider {
  readonly name = 'fixture';

  constructor(private readonly file: string) {}

  /** Region i gets the file's location i (cycling when the file has fewer), shifted so its first hour is the current hour. */
  async hourlyForecasts(regions: ServiceRegion[], from: Date): Promise<RegionForecast[]> {
    let body: unknown;
    try {
      body = JSON.parse(await readFile(locate(this.file), 'utf8'));
    } catch (error) {
      throw new Unavailable(
        `forecast fixture ${this.file} could not be read: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (typeof body === 'object' && body !== null && (body as { error?: unknown }).error === true) {
      throw new Unavailable(
        `forecast fixture ${this.file} is an error answer: ${String((body as { reason?: unknown }).reason)}`,
      );
    }
    const locations = parseOpenMeteo(body);
    const first = Math.min(...locations.map((l) => l.hourly.time[0] ?? Infinity)) * 1000;
    const shift = Math.floor(from.getTime() / 3_600_000) * 3_600_000 - first;
    return regions.map((r, i) => toRegionForecast(r.name, locations[i % locations.length]!, shift));
  }
}

/** A relative path is looked up from the working directory and its parents: `sls invoke local` runs from <esbuild work folder>/.build. */
function locate(file: string): string {
  if (path.isAbsolute(file)) return file;
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, file);
    if (existsSync(candidate) || path.dirname(dir) === dir)
      return existsSync(candidate) ? candidate : path.resolve(file);
  }
}
