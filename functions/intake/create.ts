// POST /emergencies: a stranded driver asks for help.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  loadConcerns,
  linksConcern,
  databaseConcern,
  dataProtectionConcern,
  dispatchConcern,
  dynamodbConcern,
  geocoderConcern,
  httpConcern,
  intakeConcern,
  notifierConcern,
  regionConcern,
  smsConcern,
  tablesConcern,
} from '#shared/config.js';
import type { WeatherLevelCache } from '#shared/adapters/dynamodb/weather-level.js';
import { systemClock } from '#shared/adapters/system.js';
import { httpSettings, type RouteDeps } from '#shared/compose/http.js';
import { intakeDeps } from './compose.js';
import { smsContinuity } from '#shared/compose/sms-continuity.js';
import { replayedBody, storableBody } from '#shared/http/idempotency.js';
import { httpRoute } from '#shared/http/route.js';
import type { Clock } from '#shared/ports/clock.js';
import { logger } from '#shared/powertools/logger.js';
import { metrics } from '#shared/powertools/metrics.js';
import { CreateEmergencyBody } from '#shared/schemas/emergency.js';
import { createEmergency, type AcceptedEmergency, type IntakeDeps } from './create-emergency.js';
import type { DispatchOutcome } from '#shared/ports/dispatcher.js';
import type { TechnicianIndex } from '#shared/ports/technician-index.js';
import type { TechnicianDirectory } from '#shared/ports/technician-directory.js';
import type { RequestStatus } from '#shared/domain/emergency.js';
import { minutesUntil } from '#shared/domain/eta.js';
import { haversineKm, roundedKm } from '#shared/domain/geo.js';
import { visitingTechnician } from '#shared/domain/technician.js';
import { PostgresTechnicianDirectory } from '#shared/adapters/postgres/technician-directory.js';

export type CreateEmergencyDeps = IntakeDeps &
  RouteDeps & { directory: TechnicianDirectory; technicians: TechnicianIndex };

export const makeHandler = (deps: CreateEmergencyDeps) =>
  httpRoute(
    { http: deps.http, body: CreateEmergencyBody, idempotencyKey: true },
    async ({ body, headers, context }) => {
      const startedAt = new Date();
      const idempotencyKey = headers['idempotency-key'];
      const accepted = await createEmergency(deps, body, {
        syntheticTest: headers['x-synthetic-test'] === 'true',
        idempotencyKey,
        invocation: { startedAt, deadline: new Date(startedAt.getTime() + context.getRemainingTimeInMillis()) },
        // Kept with the assignment itself. The technician's name and van come back with the assignment, so the kept
        // answer holds null in their places, and a replay fills them in (completedAnswer).
        ...(idempotencyKey
          ? {
              keepAnswer: (request, planned) =>
                storableBody(
                  answerBody(
                    { ...request, status: 'assigned' },
                    '',
                    false,
                    assignedView(
                      { id: planned.technicianId, firstName: null, van: null, distanceKm: planned.distanceKm },
                      planned.eta,
                      planned.etaMinutes,
                    ),
                  ),
                ),
            }
          : {}),
      });
      const { request } = accepted;
      const location = `/emergencies/${request.id}`;
      // A retry after the first answer was given: that answer, byte for byte, with its token put back.
      if (accepted.firstAnswer !== undefined)
        return {
          status: 201,
          headers: { location },
          body: await completedAnswer(deps, replayedBody(accepted.firstAnswer, accepted.trackingToken)),
        };
      // Buffered intakes mean PostgreSQL is unreachable: operations alarm on this metric.
      if (!accepted.replayed)
        metrics.addMetric(
          accepted.queued ? 'EmergencyRequestsBuffered' : 'EmergencyRequestsAccepted',
          MetricUnit.Count,
          1,
        );
      // A retry with no answer kept and nothing dispatched now: whoever was assigned meanwhile, as it is now.
      const assignment = accepted.replayed && !accepted.dispatch ? await assignmentAsItIs(deps, request) : undefined;
      const answer = {
        // 202 when held in the fallback buffer: accepted and safe, not yet in the system of record.
        status: accepted.queued ? 202 : 201,
        headers: { location },
        body: answerBody(
          request,
          accepted.trackingToken,
          accepted.queued,
          assignment ?? dispatchView(accepted.dispatch),
        ),
      };
      // Kept for retries with the key (a buffered answer is rebuilt from the buffer instead; an assignment kept its own).
      // Best effort: without it a retry after this invocation answers with the request as it is then, same id and token.
      if (
        idempotencyKey &&
        !accepted.queued &&
        !(accepted.dispatch?.kind === 'assigned' && accepted.dispatch.answerKept)
      ) {
        await deps.requests
          .recordAnswer(request.id, storableBody(answer.body))
          .catch((error: unknown) =>
            logger.warn('intake answer not kept for retries', { id: request.id, error: error as Error }),
          );
      }
      return answer;
    },
  );

/** The intake's answer; what is kept for retries is built by this too, so a replay has the same fields in the same order. */
function answerBody(
  request: AcceptedEmergency['request'],
  trackingToken: string,
  queued: boolean,
  dispatch: ReturnType<typeof dispatchView>,
) {
  return {
    id: request.id,
    reference: request.reference,
    status: request.status,
    priority: request.priority,
    trackingToken,
    slaDeadline: request.slaDeadline.toISOString(),
    createdAt: request.createdAt.toISOString(),
    ...(queued ? { queued: true } : {}),
    ...dispatch,
  };
}

type AnsweredAssignment = ReturnType<typeof assignedView>;

/** Who is coming and when, in the answer's field order: the answer sent, the one kept and a retry's all use this. */
function assignedView(
  technician: { id: string; firstName: string | null; van: string | null; distanceKm: number },
  eta: Date,
  etaMinutes: number,
) {
  return { technician, eta: eta.toISOString(), etaMinutes, slaAtRisk: false as const };
}

function dispatchView(dispatch: DispatchOutcome | undefined) {
  if (dispatch?.kind === 'assigned') return assignedView(dispatch.technician, dispatch.eta, dispatch.etaMinutes);
  return { slaAtRisk: dispatch?.slaAtRisk ?? false };
}

/**
 * A retry that has no answer to replay (the first was held in the intake buffer during an outage, and redispatch
 * assigned it later) answers with the request as it is now: who is coming, how far away they are now, and when they
 * are due. Undefined when nobody is, or their position is unknown.
 */
async function assignmentAsItIs(
  deps: Pick<CreateEmergencyDeps, 'directory' | 'technicians' | 'clock'>,
  request: AcceptedEmergency['request'],
): Promise<AnsweredAssignment | undefined> {
  const { technicianId, eta } = request;
  if (!technicianId || !eta || !(['assigned', 'en_route'] as RequestStatus[]).includes(request.status))
    return undefined;
  // A nicety on a retry: without it the answer is still the request, with its id and token.
  const [position, profile] = await Promise.all([
    deps.technicians.position(technicianId),
    deps.directory.findTechnician(technicianId),
  ]).catch((error: unknown) => {
    logger.warn('assignment not shown on a retry', { id: request.id, error: error as Error });
    return [undefined, undefined] as const;
  });
  if (!position?.location) return undefined;
  const { firstName, van } = visitingTechnician(profile);
  const distanceKm = roundedKm(haversineKm(request.location, position.location));
  return assignedView({ id: technicianId, firstName, van, distanceKm }, eta, minutesUntil(eta, deps.clock.now()));
}

/** A kept answer whose assignment kept it has no technician name or van yet: the directory's, as the first answer had. */
async function completedAnswer(
  deps: Pick<CreateEmergencyDeps, 'directory'>,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const technician = body.technician as AnsweredAssignment['technician'] | undefined;
  if (!technician || technician.firstName !== null) return body;
  // Assigning the keys again keeps their places, so the replay serialises as the first answer did.
  Object.assign(technician, visitingTechnician(await deps.directory.findTechnician(technician.id)));
  return body;
}

/**
 * Each intake reads the weather level for its priority; weather scaling rewrites it at most every 15 minutes, so a
 * container reads it at most once a minute instead of once per intake.
 */
export const intakeWeatherCache = (clock: Clock): WeatherLevelCache => ({ clock, maxAgeMs: 60_000 });

// Composed once per container (provisioned concurrency pre-warms this), with exactly what the role allows.
const config = loadConcerns({
  region: regionConcern,
  database: databaseConcern,
  dynamodb: dynamodbConcern,
  tables: tablesConcern,
  geocoder: geocoderConcern,
  notifier: notifierConcern,
  sms: smsConcern,
  intake: intakeConcern,
  dispatch: dispatchConcern,
  links: linksConcern,
  http: httpConcern,
  dataProtection: dataProtectionConcern,
});
// The same intake composition drDrill uses; here real messages go through SMS continuity (retries, fallback).
const intake = intakeDeps(config, {
  real: smsContinuity(config, logger),
  weatherCache: intakeWeatherCache(systemClock),
});
export const handler = makeHandler({
  ...intake.deps,
  directory: new PostgresTechnicianDirectory(intake.pool),
  http: httpSettings(config),
});
