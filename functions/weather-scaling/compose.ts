// Weather scaling's own adapters (forecast providers, Application Auto Scaling, RDS, SSM): built only by its Lambda.
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { RDSClient } from '@aws-sdk/client-rds';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { ConfigOf } from '#shared/config/concern.js';
import type { regionConcern } from '#shared/config/region.js';
import type { weatherConcern } from './config.js';
import { AwsScaler, LogScaler } from '#shared/adapters/autoscaling/scaler.js';
import { namingUnreachable, sdkClientOptions } from '#shared/adapters/sdk-client-options.js';
import { apiKeySource, type KeyStores } from '#shared/adapters/weather/api-key.js';
import { FixtureWeatherProvider } from '#shared/adapters/weather/fixture.js';
import type { FetchLike } from '#shared/adapters/weather/http.js';
import { MetOfficeProvider } from '#shared/adapters/weather/met-office.js';
import { OpenMeteoProvider } from '#shared/adapters/weather/open-meteo.js';
import type { Log } from '#shared/ports/logger.js';
import type { Scaler } from '#shared/ports/scaler.js';
import type { WeatherProvider } from '#shared/ports/weather-provider.js';

type WeatherScalingConfig = ConfigOf<typeof regionConcern | typeof weatherConcern>;

export interface ForecastOverrides {
  /** The fetch forecast providers use; tests serve fixtures through it. */
  fetch?: FetchLike;
  keyStores?: () => KeyStores;
}

export function weatherProvider(config: WeatherScalingConfig, overrides: ForecastOverrides = {}): WeatherProvider {
  const { provider } = config.weather;
  if (provider.kind === 'fixture') return new FixtureWeatherProvider(provider.fixtureFile);
  // Built on first use only: stages without a key never create the clients.
  let stores: KeyStores | undefined;
  const keyStores =
    overrides.keyStores ??
    (() =>
      (stores ??= {
        ssm: new SSMProvider({
          awsSdkV3Client: namingUnreachable(new SSMClient({ region: config.region, ...sdkClientOptions() })),
        }),
        secrets: new SecretsProvider({
          awsSdkV3Client: namingUnreachable(new SecretsManagerClient({ region: config.region, ...sdkClientOptions() })),
        }),
      }));
  const options = { ...provider, apiKey: apiKeySource(provider.apiKeyParameter, keyStores) };
  const fetchImpl = overrides.fetch ?? ((url, init) => fetch(url, init));
  return provider.kind === 'met-office'
    ? new MetOfficeProvider(fetchImpl, options)
    : new OpenMeteoProvider(fetchImpl, options);
}

export function scaler(config: WeatherScalingConfig, log: Log): Scaler {
  return config.weather.scaler === 'aws'
    ? new AwsScaler(
        namingUnreachable(
          new ApplicationAutoScalingClient({ region: config.region, ...sdkClientOptions('control-plane') }),
        ),
        namingUnreachable(new RDSClient({ region: config.region, ...sdkClientOptions('control-plane') })),
      )
    : new LogScaler(log);
}
