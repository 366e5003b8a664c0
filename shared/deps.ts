// Builds every adapter once per Lambda container from config; tests call the same factory with the embedded engines.
// Weather scaling's forecast and scaling clients live in weather-deps.ts, so only its bundle carries those SDKs.
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { LocationClient } from '@aws-sdk/client-location';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Config } from './config.js';
import { makeDocumentClient, makeDynamoClient } from './adapters/dynamodb/client.js';
import { DynamoIntakeBuffer } from './adapters/dynamodb/intake-buffer.js';
import { DynamoTableProbe } from './adapters/dynamodb/table-probe.js';
import { DynamoTechnicianIndex } from './adapters/dynamodb/technician-index.js';
import { DynamoScaleStateStore, DynamoWeatherLevelReader } from './adapters/dynamodb/weather-level.js';
import { AwsLocationGeocoder } from './adapters/location/aws-location-geocoder.js';
import { OfflineGeocoder } from './adapters/location/outward-codes.js';
import { makePool } from './adapters/postgres/pool.js';
import { PostgresIncidentBroadcasts } from './adapters/postgres/incident-broadcasts.js';
import { PostgresMetricsStore } from './adapters/postgres/metrics-store.js';
import { PostgresRequestStore } from './adapters/postgres/request-store.js';
import { PostgresTechnicianDirectory } from './adapters/postgres/technician-directory.js';
import { LogNotifier, SnsNotifier } from './adapters/sns/notifier.js';
import { SyntheticGuardNotifier } from './adapters/notifications/synthetic-guard.js';
import { PostgresSyntheticNotificationLog } from './adapters/postgres/synthetic-notifications.js';
import { randomIds, systemClock } from './adapters/system.js';
import type { KeyStores } from './adapters/weather/api-key.js';
import type { FetchLike } from './adapters/weather/http.js';
import type { Clock, IdGenerator } from './ports/clock.js';
import type { Log } from './ports/logger.js';
import type { Notifier } from './ports/notifier.js';
import type { Scaler } from './ports/scaler.js';
import type { WeatherProvider } from './ports/weather-provider.js';
import { logger } from './powertools.js';
import { makeTokenVerifier } from './http/auth.js';

export interface Overrides {
  clock?: Clock;
  ids?: IdGenerator;
  log?: Log;
  notifier?: Notifier;
  scaler?: Scaler;
  weatherProvider?: WeatherProvider;
  /** The fetch forecast providers use; tests serve fixtures through it. */
  fetch?: FetchLike;
  keyStores?: () => KeyStores;
}

export function makeDeps(config: Config, overrides: Overrides = {}) {
  const pool = makePool(config.database);
  const dynamo = makeDynamoClient(config);
  const documents = makeDocumentClient(dynamo);
  const geocoder =
    config.geocoder.kind === 'aws-location'
      ? new AwsLocationGeocoder(new LocationClient({ region: config.region }), config.geocoder.placeIndexName!)
      : new OfflineGeocoder();
  const log = overrides.log ?? logger;
  const clock = overrides.clock ?? systemClock;
  const syntheticNotifications = new PostgresSyntheticNotificationLog(pool);
  // Messages about synthetic (drill) requests are recorded, never sent, whichever notifier the stage uses.
  const notifier = new SyntheticGuardNotifier(
    overrides.notifier ?? (config.notifier.kind === 'sns' ? new SnsNotifier(new SNSClient({ region: config.region }), config.notifier.opsTopicArn!) : new LogNotifier(log)),
    syntheticNotifications,
    clock,
  );
  return {
    config,
    pool,
    dynamo,
    requests: new PostgresRequestStore(pool),
    intakeBuffer: new DynamoIntakeBuffer(documents, config.tables.intakeBuffer),
    technicians: new DynamoTechnicianIndex(documents, config.tables.locations),
    directory: new PostgresTechnicianDirectory(pool),
    metricsStore: new PostgresMetricsStore(pool),
    broadcasts: new PostgresIncidentBroadcasts(pool),
    operations: config.operations,
    notifier,
    dispatch: config.dispatch,
    verifier: makeTokenVerifier(config.auth),
    weather: new DynamoWeatherLevelReader(documents, config.tables.scalingState),
    scalingState: new DynamoScaleStateStore(documents, config.tables.scalingState),
    weatherScaling: config.weather,
    tables: new DynamoTableProbe(dynamo, Object.values(config.tables)),
    geocoder,
    clock,
    syntheticNotifications,
    ids: overrides.ids ?? randomIds,
    log,
    intake: config.intake,
    health: config.health,
    http: { maxBodyBytes: config.intake.maxBodyBytes, corsAllowedOrigins: config.http.corsAllowedOrigins },
    idempotency: {
      persistenceStore: new DynamoDBPersistenceLayer({ tableName: config.tables.idempotency, awsSdkV3Client: dynamo }),
      expiresAfterSeconds: config.intake.idempotencyTtlSeconds,
    },
  };
}

export type Deps = ReturnType<typeof makeDeps>;

/** Releases connections so a test run or script can exit. */
export async function closeDeps(deps: Deps): Promise<void> {
  await deps.pool.end();
  deps.dynamo.destroy();
}
