import { SecretsManagerClient, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { apiKeySource } from '#shared/adapters/weather/api-key.js';
import { FixtureWeatherProvider } from '#shared/adapters/weather/fixture.js';
import { MetOfficeProvider } from '#shared/adapters/weather/met-office.js';
import { OpenMeteoProvider } from '#shared/adapters/weather/open-meteo.js';
import { loadConfig } from '../../scripts/config.js';
import { assessForecast } from '#shared/domain/weather.js';
import { Unavailable } from '#shared/domain/errors.js';
import { fixtureFetch, weatherFixture } from '../support/weather.js';

const { regions, rules } = loadConfig({ DATABASE_URL: 'postgres://u:p@localhost/db' }).weather;
const now = new Date('2026-01-12T06:10:00Z');
const policy = () => {
  const waits: number[] = [];
  return {
    waits,
    timeoutMs: 5000,
    maxAttempts: 3,
    retryBaseMs: 500,
    sleep: (ms: number) => (waits.push(ms), Promise.resolve()),
  };
};

describe('Open-Meteo', () => {
  it('asks for every region in one request with the hourly variables, London time and the customer key', async () => {
    const served = fixtureFetch({ status: 200, fixture: 'open-meteo/snow-london-south-east.json' });
    const provider = new OpenMeteoProvider(served.fetch, {
      ...policy(),
      host: 'customer-api.open-meteo.com',
      apiKey: () => Promise.resolve('om-key'),
    });
    const forecasts = await provider.hourlyForecasts(regions, now, 6);

    expect(served.requests).toHaveLength(1);
    const { url } = served.requests[0]!;
    expect(`${url.origin}${url.pathname}`).toBe('https://customer-api.open-meteo.com/v1/forecast');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      latitude: regions.map((r) => r.lat).join(','),
      longitude: regions.map((r) => r.lon).join(','),
      hourly: 'temperature_2m,precipitation,snowfall,wind_speed_10m,wind_gusts_10m,weather_code',
      timezone: 'Europe/London',
      timeformat: 'unixtime',
      forecast_hours: '7',
      wind_speed_unit: 'kmh',
      apikey: 'om-key',
    });
    expect(forecasts.map((f) => f.region)).toEqual(regions.map((r) => r.name));
    expect(forecasts[0]!.hours[3]).toEqual({
      at: new Date('2026-01-12T09:00:00Z'),
      temperatureC: -0.6,
      precipitationMm: 1.9,
      snowfallCm: 2,
      windKmh: 24,
      gustKmh: 46,
      weatherCode: 75,
    });
    expect(assessForecast(regions, forecasts, now, rules)).toMatchObject({
      level: 'severe',
      demandMultiplier: 2.35,
      leadMinutes: 170,
    });
  });

  it('uses the free host and no key when none is configured', async () => {
    const served = fixtureFetch({ status: 200, fixture: 'open-meteo/clear.json' });
    await new OpenMeteoProvider(served.fetch, policy()).hourlyForecasts(regions, now, 6);
    expect(served.requests[0]!.url.host).toBe('api.open-meteo.com');
    expect(served.requests[0]!.url.searchParams.has('apikey')).toBe(false);
  });

  it('retries a 429 with backoff and gives up after three attempts, quoting Open-Meteo', async () => {
    const p = policy();
    const served = fixtureFetch({ status: 429, fixture: 'open-meteo/error-429.json' });
    const failure = new OpenMeteoProvider(served.fetch, p).hourlyForecasts(regions, now, 6);
    await expect(failure).rejects.toBeInstanceOf(Unavailable);
    await expect(failure).rejects.toThrow(
      'Open-Meteo gave no forecast after 3 attempts (HTTP 429: Minutely API request limit exceeded. Please try again in one minute.)',
    );
    expect(served.requests).toHaveLength(3);
    expect(p.waits).toEqual([500, 1000]);
  });

  it('does not retry a 400, which no retry can fix', async () => {
    const served = fixtureFetch({ status: 400, fixture: 'open-meteo/error-400.json' });
    await expect(new OpenMeteoProvider(served.fetch, policy()).hourlyForecasts(regions, now, 6)).rejects.toThrow(
      /refused the forecast request \(HTTP 400: Cannot initialize WeatherVariable/,
    );
    expect(served.requests).toHaveLength(1);
  });

  it('recovers when a retry succeeds after a timeout and a 503', async () => {
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    const served = fixtureFetch(
      { error: timeout },
      { status: 503, body: 'upstream unavailable' },
      { status: 200, fixture: 'open-meteo/clear.json' },
    );
    const forecasts = await new OpenMeteoProvider(served.fetch, policy()).hourlyForecasts(regions, now, 6);
    expect(forecasts).toHaveLength(10);
    expect(served.requests).toHaveLength(3);
  });

  it('reports a timeout on every attempt as no answer within 5 s', async () => {
    const timeout = Object.assign(new Error('aborted'), { name: 'TimeoutError' });
    await expect(
      new OpenMeteoProvider(fixtureFetch({ error: timeout }).fetch, policy()).hourlyForecasts(regions, now, 6),
    ).rejects.toThrow(/no answer within 5000 ms/);
  });

  it('refuses an answer with fewer locations than regions asked for', async () => {
    const served = fixtureFetch({ status: 200, fixture: 'open-meteo/frost-single-location.json' });
    await expect(new OpenMeteoProvider(served.fetch, policy()).hourlyForecasts(regions, now, 6)).rejects.toThrow(
      /answered for 1 locations, asked for 10/,
    );
  });
});

describe('Met Office DataHub', () => {
  const key = () => Promise.resolve('mo-key');

  it('asks once per region with the apikey header and converts m/s, mm of snow and Met Office weather codes', async () => {
    const served = fixtureFetch({ status: 200, fixture: 'met-office/hourly-glasgow-heavy-snow.json' });
    const glasgow = regions.filter((r) => r.name === 'Glasgow');
    const [forecast] = await new MetOfficeProvider(served.fetch, { ...policy(), apiKey: key }).hourlyForecasts(glasgow);

    const { url, headers } = served.requests[0]!;
    expect(`${url.origin}${url.pathname}`).toBe('https://data.hub.api.metoffice.gov.uk/sitespecific/v0/point/hourly');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      latitude: '55.8642',
      longitude: '-4.2518',
      excludeParameterMetadata: 'true',
      includeLocationName: 'false',
    });
    expect(headers).toEqual({ accept: 'application/json', apikey: 'mo-key' });
    expect(forecast!.hours[4]).toEqual({
      at: new Date('2026-01-12T10:00:00Z'),
      temperatureC: -1.6,
      precipitationMm: 2.2,
      snowfallCm: 2.4,
      windKmh: 35.3,
      gustKmh: 69.6,
      weatherCode: 75,
    });
    expect(assessForecast(glasgow, [forecast!], now, rules)).toMatchObject({
      level: 'severe',
      regions: [{ reasons: [{ condition: 'freezing' }, { condition: 'snowfall', value: 2.4 }, { condition: 'snow' }] }],
    });
  });

  it('fails the whole forecast when one region is refused, quoting the gateway', async () => {
    const served = fixtureFetch(
      { status: 200, fixture: 'met-office/hourly-clear.json' },
      { status: 401, fixture: 'met-office/error-401.json' },
    );
    await expect(
      new MetOfficeProvider(served.fetch, { ...policy(), apiKey: key }).hourlyForecasts(regions.slice(0, 2)),
    ).rejects.toThrow(
      'Met Office refused the forecast request (HTTP 401: Invalid Credentials. Make sure you have provided the correct security credentials)',
    );
  });

  it('retries when throttled', async () => {
    const p = policy();
    const served = fixtureFetch({ status: 429, fixture: 'met-office/error-429.json' });
    await expect(
      new MetOfficeProvider(served.fetch, { ...p, apiKey: key }).hourlyForecasts(regions.slice(0, 1)),
    ).rejects.toThrow(/after 3 attempts \(HTTP 429: You have exceeded your quota\)/);
    expect(p.waits).toEqual([500, 1000]);
  });
});

describe('fixture provider', () => {
  it('serves a file re-based to the current hour, cycling a single location over every region', async () => {
    const forecasts = await new FixtureWeatherProvider(
      weatherFixture('open-meteo/frost-single-location.json'),
    ).hourlyForecasts(regions, new Date('2026-03-01T17:42:00Z'));
    expect(forecasts).toHaveLength(10);
    expect(forecasts[9]!.hours[0]).toMatchObject({ at: new Date('2026-03-01T17:00:00Z'), temperatureC: -1.5 });
    expect(assessForecast(regions, forecasts, new Date('2026-03-01T17:42:00Z'), rules)).toMatchObject({
      level: 'elevated',
      demandMultiplier: 2,
    });
  });

  it('is unavailable when its file is an error answer or missing', async () => {
    await expect(
      new FixtureWeatherProvider(weatherFixture('open-meteo/error-429.json')).hourlyForecasts(regions, now),
    ).rejects.toThrow(/error answer: Minutely API request limit/);
    await expect(
      new FixtureWeatherProvider(weatherFixture('nope.json')).hourlyForecasts(regions, now),
    ).rejects.toBeInstanceOf(Unavailable);
  });
});

describe('API key through Powertools Parameters', () => {
  const ssm = mockClient(SSMClient);
  const secrets = mockClient(SecretsManagerClient);
  const stores = () => ({
    ssm: new SSMProvider({ awsSdkV3Client: new SSMClient({ region: 'eu-west-2' }) }),
    secrets: new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({ region: 'eu-west-2' }) }),
  });
  beforeEach(() => {
    ssm.reset();
    secrets.reset();
  });

  it('reads a SecureString from SSM, decrypted, once while cached', async () => {
    ssm
      .on(GetParameterCommand)
      .resolves({ Parameter: { Name: '/tyrehero-dispatch/prod/weather-api-key', Value: 'om-key\n' } });
    const built = stores();
    const key = apiKeySource('ssm:/tyrehero-dispatch/prod/weather-api-key', () => built);
    expect(await key()).toBe('om-key');
    expect(await key()).toBe('om-key');
    expect(ssm.commandCalls(GetParameterCommand).map((c) => c.args[0].input)).toEqual([
      { Name: '/tyrehero-dispatch/prod/weather-api-key', WithDecryption: true },
    ]);
  });

  it('reads a secret from Secrets Manager', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'mo-key' });
    const key = apiKeySource('secretsmanager:tyrehero-dispatch/prod/weather-api-key', stores);
    expect(await key()).toBe('mo-key');
    expect(secrets.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: 'tyrehero-dispatch/prod/weather-api-key' },
    ]);
  });

  it('needs no store when no key is configured', async () => {
    expect(
      await apiKeySource(undefined, () => {
        throw new Error('not used');
      })(),
    ).toBeUndefined();
  });
});
