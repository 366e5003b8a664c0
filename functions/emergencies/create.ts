// POST /emergencies: a stranded driver asks for help.
import { loadConfig } from '../../shared/config.js';
import { makeDeps, type Deps } from '../../shared/deps.js';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { httpRoute } from '../../shared/http/route.js';
import { metrics } from '../../shared/powertools.js';
import { CreateEmergencyBody } from '../../shared/schemas/emergency.js';
import { createEmergency } from '../../shared/usecases/create-emergency.js';
import type { DispatchOutcome } from '../../shared/usecases/dispatch.js';

export const makeHandler = (deps: Deps) =>
  httpRoute({ http: deps.http, body: CreateEmergencyBody, idempotency: deps.idempotency }, async ({ body, headers }) => {
    const accepted = await createEmergency(deps, body, { syntheticTest: headers['x-synthetic-test'] === 'true', idempotencyKey: headers['idempotency-key'] });
    const { request } = accepted;
    // Buffered intakes mean PostgreSQL is unreachable: operations alarm on this metric.
    metrics.addMetric(accepted.queued ? 'EmergencyRequestsBuffered' : 'EmergencyRequestsAccepted', MetricUnit.Count, 1);
    return {
      // 202 when held in the fallback buffer: accepted and safe, not yet in the system of record.
      status: accepted.queued ? 202 : 201,
      headers: { location: `/emergencies/${request.id}` },
      body: {
        id: request.id,
        reference: request.reference,
        status: request.status,
        priority: request.priority,
        trackingToken: accepted.trackingToken,
        slaDeadline: request.slaDeadline.toISOString(),
        createdAt: request.createdAt.toISOString(),
        ...(accepted.queued ? { queued: true } : {}),
        ...dispatchView(accepted.dispatch),
      },
    };
  });

function dispatchView(dispatch: DispatchOutcome | undefined) {
  if (dispatch?.kind === 'assigned') return { technician: dispatch.technician, eta: dispatch.eta.toISOString(), etaMinutes: dispatch.etaMinutes, slaAtRisk: false };
  return { slaAtRisk: dispatch?.slaAtRisk ?? false };
}

export const handler = makeHandler(makeDeps(loadConfig()));
