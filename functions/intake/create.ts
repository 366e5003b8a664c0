// POST /emergencies: a stranded driver asks for help.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { loadConcerns } from '#shared/config/concern.js';
import { dataProtectionConcern } from '#shared/config/data-protection.js';
import { databaseConcern } from '#shared/config/database.js';
import { dispatchConcern } from '#shared/config/dispatch.js';
import { dynamodbConcern } from '#shared/config/dynamodb.js';
import { geocoderConcern } from '#shared/config/geocoder.js';
import { roadEtaConcern } from '#shared/config/road-eta.js';
import { routeConcerns } from '#shared/config/http.js';
import { intakeConcern } from '#shared/config/intake.js';
import { linksConcern } from '#shared/config/links.js';
import { notifierConcern } from '#shared/config/notifier.js';
import { regionConcern } from '#shared/config/region.js';
import { smsConcern } from '#shared/config/sms.js';
import { tablesConcern } from '#shared/config/tables.js';
import type { WeatherLevelCache } from '#shared/adapters/dynamodb/weather-level.js';
import { systemClock } from '#shared/adapters/system.js';
import { regionRole } from '#shared/compose/active-region.js';
import { httpSettings, type RouteDeps } from '#shared/compose/http.js';
import { intakeDeps } from './compose.js';
import { roadEta } from '#shared/compose/road-eta.js';
import { smsContinuity } from '#shared/compose/sms-continuity.js';
import { httpRoute } from '#shared/http/route.js';
import type { Clock } from '#shared/ports/clock.js';
import { logger } from '#shared/powertools/logger.js';
import { metrics } from '#shared/powertools/metrics.js';
import { CreateEmergencyBody } from '#shared/schemas/emergency.js';
import { createEmergency, type IntakeDeps } from './create-emergency.js';

export type CreateEmergencyDeps = IntakeDeps & RouteDeps;

export const makeHandler = (deps: CreateEmergencyDeps) =>
  httpRoute(
    { http: deps.http, body: CreateEmergencyBody, idempotencyKey: true },
    async ({ body, headers, context }) => {
      const startedAt = new Date();
      const { request, queued, replayed, answer } = await createEmergency(deps, body, {
        syntheticTest: headers['x-synthetic-test'] === 'true',
        idempotencyKey: headers['idempotency-key'],
        invocation: { startedAt, deadline: new Date(startedAt.getTime() + context.getRemainingTimeInMillis()) },
      });
      // Buffered intakes mean PostgreSQL is unreachable: operations alarm on this metric.
      if (!replayed)
        metrics.addMetric(queued ? 'EmergencyRequestsBuffered' : 'EmergencyRequestsAccepted', MetricUnit.Count, 1);
      // 202 when held in the fallback buffer: accepted and safe, not yet in the system of record.
      return { status: queued ? 202 : 201, headers: { location: `/emergencies/${request.id}` }, body: answer };
    },
  );

/**
 * Each intake reads the weather level for its priority; weather scaling rewrites it at most every 15 minutes, so a
 * container reads it at most once a minute instead of once per intake.
 */
export const intakeWeatherCache = (clock: Clock): WeatherLevelCache => ({ clock, maxAgeMs: 60_000 });

// Composed once per container (provisioned concurrency pre-warms this), with exactly what the role allows.
const config = loadConcerns([
  regionConcern,
  databaseConcern,
  dynamodbConcern,
  tablesConcern,
  geocoderConcern,
  roadEtaConcern,
  notifierConcern,
  dataProtectionConcern,
  dispatchConcern,
  intakeConcern,
  linksConcern,
  smsConcern,
  ...routeConcerns,
]);
// The same intake composition drDrill uses; here real messages go through SMS continuity (retries, fallback), and the
// assigned van's ETA is a road route (drDrill's synthetic intake keeps the heuristic: its role has no route calculator).
const road = roadEta(config);
const intake = intakeDeps(config, {
  real: smsContinuity(config, logger),
  weatherCache: intakeWeatherCache(systemClock),
  ...(road ? { roadEta: road } : {}),
});
export const handler = makeHandler({
  ...intake.deps,
  regionRole: regionRole(config, intake.tables.documents),
  http: httpSettings(config),
});
