// What intake takes (stores, index, directory, weather level, geocoder, the notifier behind the synthetic guard and
// the SMS guard, the per-phone limit): composed once here for POST /emergencies and for drDrill's synthetic intake,
// so the drill exercises exactly what a driver's request goes through.
import type { CoreConfig } from '#shared/config/core.js';
import { DynamoIntakeBuffer, DynamoIntakeJournal } from '#shared/adapters/dynamodb/intake-buffer.js';
import { DynamoTechnicianIndex } from '#shared/adapters/dynamodb/technician-index.js';
import { DynamoWeatherLevelReader, type WeatherLevelCache } from '#shared/adapters/dynamodb/weather-level.js';
import { PostgresRequestStore } from '#shared/adapters/postgres/request-store.js';
import { PostgresSyntheticNotificationLog } from '#shared/adapters/postgres/synthetic-notifications.js';
import { PostgresTechnicianDirectory } from '#shared/adapters/postgres/technician-directory.js';
import { randomIds, systemClock } from '#shared/adapters/system.js';
import type { Dispatcher } from '#shared/ports/dispatcher.js';
import type { Notifier } from '#shared/ports/notifier.js';
import type { RoadEta } from '#shared/ports/road-eta.js';
import { logger } from '#shared/powertools/logger.js';
import type { IntakeDeps } from './create-emergency.js';
import { withDispatcher, type DispatchDeps } from '#functions/dispatch/index.js';
import { dynamo } from '#shared/compose/dynamo.js';
import { geocoder } from '#shared/compose/geocoder.js';
import { notifier } from '#shared/compose/notifier.js';
import { makePhoneProtection } from '#shared/compose/phones.js';
import { KeyedTrackingLinks } from '#shared/adapters/crypto/keyed-tracking-links.js';
import { postgres } from '#shared/compose/postgres.js';
import { guardSms, makeRateCounter } from '#shared/compose/protection.js';

// Types only, as in functions/dispatch/compose.ts: drRecover reaches this module through ./index.ts for the buffer drain.
type IntakeConcerns = Pick<
  CoreConfig,
  | 'region'
  | 'database'
  | 'dynamodb'
  | 'tables'
  | 'geocoder'
  | 'notifier'
  | 'dataProtection'
  | 'dispatch'
  | 'intake'
  | 'links'
>;

export interface IntakeOptions {
  /** Where real messages go (SMS continuity); SNS or the log by default. */
  real?: Notifier;
  /** Read the weather level at most this often per container. */
  weatherCache?: WeatherLevelCache;
  /** The assigned van's ETA by road, and how long to wait for it; absent: the heuristic (shared/domain/eta.ts). */
  roadEta?: { engine: RoadEta; timeoutMs: number };
}

/** The intake deps and the clients they were built on, for a root that composes more on the same pool and tables. */
export function intakeDeps(config: IntakeConcerns, options: IntakeOptions = {}) {
  const pool = postgres(config);
  const tables = dynamo(config);
  const phones = makePhoneProtection(config);
  const rateLimits = makeRateCounter(tables.documents, config);
  const syntheticNotifications = new PostgresSyntheticNotificationLog(pool);
  const deps = withDispatcher<Omit<IntakeDeps, keyof Dispatcher> & DispatchDeps>({
    requests: new PostgresRequestStore(pool, phones),
    intakeBuffer: new DynamoIntakeBuffer(tables.documents, config.tables.intakeBuffer),
    journal: new DynamoIntakeJournal(tables.documents, config.tables.intakeBuffer),
    technicians: new DynamoTechnicianIndex(tables.documents, config.tables.locations),
    directory: new PostgresTechnicianDirectory(pool),
    weather: new DynamoWeatherLevelReader(tables.documents, config.tables.scalingState, options.weatherCache),
    geocoder: geocoder(config),
    notifier: notifier(config, logger, syntheticNotifications, {
      ...(options.real ? { real: options.real } : {}),
      guard: (outbound) => guardSms(outbound, { pool, phones, rateLimits, clock: systemClock, log: logger, config }),
    }),
    phones,
    trackingLinks: new KeyedTrackingLinks(phones, config.links.publicBaseUrl),
    rateLimits,
    abuse: { intakeLimitPerPhoneHour: config.dataProtection.intakeLimitPerPhoneHour },
    clock: systemClock,
    ids: randomIds,
    log: logger,
    dispatch: config.dispatch,
    intake: config.intake,
    ...(options.roadEta ? { roadEta: options.roadEta } : {}),
  });
  return { deps, pool, tables, phones, syntheticNotifications };
}
