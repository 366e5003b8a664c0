// What operations sees of the live queue: how many requests are where, who has waited longest, which promises are in danger.
import type { Clock } from '#shared/ports/clock.js';
import type { MetricsStore } from '#shared/ports/metrics-store.js';
import type { RequestStore } from '#shared/ports/request-store.js';
import type { TechnicianIndex } from '#shared/ports/technician-index.js';
import { freshSince, minutesWaited } from '#shared/domain/durations.js';

export interface QueueDeps {
  requests: RequestStore;
  /** Counts come from the same queries as the published figures, so the queue view and the dashboards agree. */
  metricsStore: MetricsStore;
  technicians: TechnicianIndex;
  clock: Clock;
  dispatch: { freshMinutes: number };
  operations: { highPriorityAtMost: number };
}

/** A screenful; the count beside it says when there are more. */
const atRiskListLimit = 100;

export async function operationsQueue(deps: QueueDeps) {
  const now = deps.clock.now();
  const [counts, pending, atRisk, available] = await Promise.all([
    deps.metricsStore.countOpenByStatus(),
    deps.metricsStore.pendingQueue(deps.operations.highPriorityAtMost),
    deps.requests.findSlaAtRisk(now, atRiskListLimit),
    deps.technicians.listDispatchable(freshSince(now, deps.dispatch.freshMinutes)),
  ]);
  return {
    generatedAt: now.toISOString(),
    counts,
    highPriorityPending: pending.highPriority,
    oldestPendingMinutes: pending.oldestCreatedAt ? minutesWaited(pending.oldestCreatedAt, now) : null,
    slaAtRisk: atRisk.map((r) => ({
      id: r.id,
      reference: r.reference,
      status: r.status,
      priority: r.priority,
      createdAt: r.createdAt.toISOString(),
      slaDeadline: r.slaDeadline.toISOString(),
      minutesToDeadline: Math.round((r.slaDeadline.getTime() - now.getTime()) / 60_000),
      ...(r.technicianId ? { technicianId: r.technicianId } : {}),
      ...(r.eta ? { eta: r.eta.toISOString() } : {}),
    })),
    availableTechnicians: {
      count: available.length,
      technicians: available
        .map((t) => ({ id: t.technicianId, location: t.location, lastSeenMinutes: minutesWaited(t.recordedAt, now) }))
        .sort((a, b) => a.id.localeCompare(b.id)),
    },
  };
}
