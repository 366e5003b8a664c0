// Every adapter of the service at once, composed from the same builders the functions use (shared/compose/), for
// tests, the benchmark and local scripts. A Lambda never imports this: it composes only what its role allows.
import type { Config } from '../config.js';
import { DynamoIntakeBuffer, DynamoIntakeJournal } from '#shared/adapters/dynamodb/intake-buffer.js';
import { DynamoIncidentStore } from '#shared/adapters/dynamodb/incident-store.js';
import { DynamoSloStatusStore } from '#shared/adapters/dynamodb/slo-status.js';
import { DynamoSurgeStore } from '#shared/adapters/dynamodb/surge.js';
import { DynamoTechnicianIndex } from '#shared/adapters/dynamodb/technician-index.js';
import { DynamoScaleStateStore, DynamoWeatherLevelReader } from '#shared/adapters/dynamodb/weather-level.js';
import { PostgresLiveMap } from '#shared/adapters/postgres/live-map.js';
import { PostgresOperationsRequestStore } from '#shared/adapters/postgres/operations-actions.js';
import { PostgresIncidentBroadcasts } from '#shared/adapters/postgres/incident-broadcasts.js';
import { PostgresMetricsStore } from '#shared/adapters/postgres/metrics-store.js';
import { PostgresPersonalData } from '#shared/adapters/postgres/personal-data.js';
import { PostgresRecoveryStore, PostgresDrRunLog } from '#shared/adapters/postgres/recovery-store.js';
import { PostgresRequestStore } from '#shared/adapters/postgres/request-store.js';
import { PostgresSyntheticNotificationLog } from '#shared/adapters/postgres/synthetic-notifications.js';
import { PostgresTestFleet } from '#shared/adapters/postgres/test-fleet.js';
import { PostgresTechnicianDirectory } from '#shared/adapters/postgres/technician-directory.js';
import { randomIds, systemClock } from '#shared/adapters/system.js';
import { activeRegionStore, regionRole } from '#shared/compose/active-region.js';
import { dynamo } from '#shared/compose/dynamo.js';
import { geocoder } from '#shared/compose/geocoder.js';
import { healthProbes } from '#shared/compose/health-probes.js';
import { httpSettings, tokenVerifier } from '#shared/compose/http.js';
import { notifier } from '#shared/compose/notifier.js';
import { smsContinuity } from '#shared/compose/sms-continuity.js';
import { postgres } from '#shared/compose/postgres.js';
import { makePhoneProtection } from '#shared/compose/phones.js';
import { KeyedTrackingLinks } from '#shared/adapters/crypto/keyed-tracking-links.js';
import { guardSms, makeRateCounter } from '#shared/compose/protection.js';
import { scaler, weatherProvider, type ForecastOverrides } from '#functions/weather-scaling/compose.js';
import type { Clock, IdGenerator } from '#shared/ports/clock.js';
import type { Log } from '#shared/ports/logger.js';
import type { Notifier } from '#shared/ports/notifier.js';
import type { Scaler } from '#shared/ports/scaler.js';
import type { WeatherProvider } from '#shared/ports/weather-provider.js';
import { logger } from '#shared/powertools/logger.js';
import type { Principal } from '#shared/domain/principal.js';
import type { CreateEmergencyInput } from '#shared/schemas/emergency.js';
import { withDispatcher } from '#functions/dispatch/index.js';
import {
  createEmergency,
  drainIntakeBuffer,
  settleIntakeJournal,
  type IntakeOptions,
} from '#functions/intake/index.js';
import { applyJobAction, type TechnicianAction } from '#functions/jobs/index.js';

export interface Overrides extends ForecastOverrides {
  clock?: Clock;
  ids?: IdGenerator;
  log?: Log;
  notifier?: Notifier;
  scaler?: Scaler;
  weatherProvider?: WeatherProvider;
}

export function allDeps(config: Config, overrides: Overrides = {}) {
  const pool = postgres(config);
  const { client, documents } = dynamo(config);
  const log = overrides.log ?? logger;
  const clock = overrides.clock ?? systemClock;
  const phones = makePhoneProtection(config);
  const rateLimits = makeRateCounter(documents, config);
  const requests = new PostgresRequestStore(pool, phones);
  const syntheticNotifications = new PostgresSyntheticNotificationLog(pool);
  const technicians = new DynamoTechnicianIndex(documents, config.tables.locations);
  const weather = new DynamoWeatherLevelReader(documents, config.tables.scalingState);
  const deps = {
    config,
    pool,
    dynamo: client,
    phones,
    trackingLinks: new KeyedTrackingLinks(phones, config.links.publicBaseUrl),
    rateLimits,
    abuse: { intakeLimitPerPhoneHour: config.dataProtection.intakeLimitPerPhoneHour },
    dataProtection: config.dataProtection,
    retentionDays: config.dataProtection.retentionDays,
    requests,
    operationsStore: new PostgresOperationsRequestStore(pool, phones),
    personalData: new PostgresPersonalData(pool, requests),
    directory: new PostgresTechnicianDirectory(pool),
    metricsStore: new PostgresMetricsStore(pool),
    broadcasts: new PostgresIncidentBroadcasts(pool, phones),
    intakeBuffer: new DynamoIntakeBuffer(documents, config.tables.intakeBuffer),
    journal: new DynamoIntakeJournal(documents, config.tables.intakeBuffer),
    technicians,
    fleet: technicians,
    liveMap: new PostgresLiveMap(pool),
    weather,
    weatherStatus: weather,
    scalingState: new DynamoScaleStateStore(documents, config.tables.scalingState),
    dependencies: healthProbes(config, { requests, dynamodb: client }),
    geocoder: geocoder(config),
    // Messages about synthetic requests are recorded (never reach an overriding notifier either); every other customer
    // SMS goes through the per-destination cap and the notification log, as in every function that texts.
    notifier: notifier(config, log, syntheticNotifications, {
      clock,
      real: overrides.notifier ?? smsContinuity(config, log, { clock }),
      guard: (outbound) => guardSms(outbound, { pool, phones, rateLimits, clock, log, config }),
    }),
    syntheticNotifications,
    recovery: new PostgresRecoveryStore(pool),
    drRuns: new PostgresDrRunLog(pool),
    testFleet: new PostgresTestFleet(pool),
    verifier: tokenVerifier(config),
    weatherProvider: overrides.weatherProvider ?? weatherProvider(config, overrides),
    scaler: overrides.scaler ?? scaler(config, log),
    clock,
    ids: overrides.ids ?? randomIds,
    log,
    dispatch: config.dispatch,
    intake: config.intake,
    health: config.health,
    operations: config.operations,
    slos: config.slos,
    // The SLOs' latest evaluation and the incident record, as collectMetrics and the operations routes keep them.
    sloStatus: new DynamoSloStatusStore(documents, config.tables.scalingState),
    incidents: new DynamoIncidentStore(documents, config.tables.scalingState),
    surges: new DynamoSurgeStore(documents, config.tables.scalingState),
    weatherScaling: config.weather,
    dr: config.dr,
    http: httpSettings(config),
    // The replicated active-region record, and this stack's view of it (read through the same cache as a function).
    activeRegion: activeRegionStore(config, documents),
    regionRole: regionRole(config, documents, clock),
  };
  // What one feature takes from another, wired as the functions' compositions wire it: dispatch for intake, the job
  // steps and operations; intake and the job steps for the DR drill; the buffer drain for drRecover.
  // Each runs over the deps it is called on, so `{ ...stack.deps, technicians }` is what a test's dispatch then uses.
  const wired = withDispatcher(deps);
  return Object.assign(wired, {
    createEmergency(this: typeof wired, input: CreateEmergencyInput, options: IntakeOptions) {
      return createEmergency(this, input, options);
    },
    applyJobAction(
      this: typeof wired,
      principal: Principal,
      jobId: string,
      action: TechnicianAction,
      input?: { arrivalCode?: string },
    ) {
      return applyJobAction(this, principal, jobId, action, input);
    },
    drainIntakeBuffer(this: typeof wired) {
      return drainIntakeBuffer(this);
    },
    settleIntakeJournal(this: typeof wired) {
      return settleIntakeJournal(this);
    },
  });
}

export type AllDeps = ReturnType<typeof allDeps>;

/** Releases connections so a test run or script can exit. */
export async function closeAllDeps(deps: AllDeps): Promise<void> {
  await deps.pool.end();
  deps.dynamo.destroy();
}
