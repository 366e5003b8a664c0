// The operations live map: every technician (available, busy, silent, on a break) with the last-seen age, every open
// request with its SLA risk, and the weather level per region. Queue figures and severity stay in /ops/queue and /ops/metrics.
import { freshSince, minutesWaited } from '#shared/domain/durations.js';
import { byUrgency, mapStatusOf, minutesToDeadline, slaRisk } from '#shared/domain/live-map.js';
import { firstNameOf } from '#shared/domain/technician.js';
import { isTestTechnician } from '#shared/domain/test-fleet.js';
import type { Clock } from '#shared/ports/clock.js';
import type { FleetReader, LiveMapStore, WeatherStatusReader } from '#shared/ports/live-map.js';

export interface LiveMapDeps {
  fleet: FleetReader;
  liveMap: LiveMapStore;
  weatherStatus: WeatherStatusReader;
  clock: Clock;
  dispatch: { freshMinutes: number };
}

/** A screenful and then some: more open at once is an incident the queue figures already shout about. */
export const openRequestLimit = 500;

export async function liveMap(deps: LiveMapDeps) {
  const now = deps.clock.now();
  const fresh = freshSince(now, deps.dispatch.freshMinutes);
  const [fleet, open, weather] = await Promise.all([
    deps.fleet.listFleet(),
    deps.liveMap.findOpenRequestMarkers(openRequestLimit),
    deps.weatherStatus.currentStatus(),
  ]);

  const shown = fleet.flatMap((t) => {
    // Belt and braces behind the adapter's filter: a test technician is never on operations' map.
    if (isTestTechnician(t.technicianId) || !t.location) return [];
    const status = mapStatusOf(
      {
        status: t.status,
        hasLocation: true,
        ...(t.recordedAt ? { recordedAt: t.recordedAt } : {}),
        ...(t.currentJob ? { currentJob: t.currentJob } : {}),
      },
      fresh,
    );
    return status ? [{ ...t, location: t.location, status }] : [];
  });
  const names = await deps.liveMap.findTechnicianNames(shown.map((t) => t.technicianId));

  const technicians = shown
    .map((t) => {
      const name = names.get(t.technicianId);
      return {
        id: t.technicianId,
        firstName: name === undefined ? null : firstNameOf(name),
        status: t.status,
        location: t.location,
        lastSeenMinutes: t.recordedAt ? minutesWaited(t.recordedAt, now) : null,
        ...(t.currentJob ? { currentJob: t.currentJob } : {}),
      };
    })
    .sort((a, b) => a.id.localeCompare(b.id));

  const requests = open
    .map((r) => ({ ...r, risk: slaRisk(r, now) }))
    .sort(byUrgency)
    .map((r) => ({
      id: r.id,
      reference: r.reference,
      status: r.status,
      priority: r.priority,
      location: r.location,
      waitingMinutes: minutesWaited(r.createdAt, now),
      slaDeadline: r.slaDeadline.toISOString(),
      minutesToDeadline: minutesToDeadline(r.slaDeadline, now),
      risk: r.risk,
      ...(r.technicianId ? { technicianId: r.technicianId } : {}),
    }));

  return {
    generatedAt: now.toISOString(),
    technicians,
    requests,
    weather: {
      level: weather.level,
      updatedAt: weather.updatedAt ? weather.updatedAt.toISOString() : null,
      regions: weather.regions.map((r) => ({ region: r.region, level: r.level, conditions: r.conditions })),
    },
    fleetNeeds: weather.fleetNeeds
      ? {
          at: weather.fleetNeeds.at.toISOString(),
          regions: weather.fleetNeeds.regions.map((r) => ({
            region: r.region,
            onShift: r.onShift,
            needed: r.needed,
            ...(r.shortfall
              ? {
                  shortfall: {
                    more: r.shortfall.more,
                    from: r.shortfall.from.toISOString(),
                    to: r.shortfall.to.toISOString(),
                  },
                  alert: r.alert!,
                }
              : {}),
          })),
        }
      : null,
  };
}
