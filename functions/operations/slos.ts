// The SLOs each minute: good and total events per window (the gateway's from CloudWatch, the promise's from
// PostgreSQL), the burn rates and budgets they give, as metrics for the alarms and the dashboard and as the status
// /ops/metrics and the live view show.
import {
  burnWindows,
  evaluateSlo,
  serviceSlos,
  sloMetricName,
  windowMinutes,
  type BurnWindow,
  type WindowCounts,
} from '#shared/domain/slo.js';
import type { MetricsStore } from '#shared/ports/metrics-store.js';
import type { SloEventSource, SloStatus } from '#shared/ports/slo.js';
import type { MetricDatum } from './operational-figures.js';

export interface SloDeps {
  metricsStore: Pick<MetricsStore, 'responseWindow'>;
  /** Absent where the gateway has no metrics (local stages). */
  gateway?: SloEventSource;
  slos: { objectives: Parameters<typeof serviceSlos>[0] };
}

/** The promise's events: arrivals by the deadline, of arrivals and deadlines missed with nobody there. */
async function promiseCounts(store: SloDeps['metricsStore'], now: Date): Promise<WindowCounts> {
  const windows = [...burnWindows, '30d'] as const;
  const read = await Promise.all(
    windows.map((w) => store.responseWindow(new Date(now.getTime() - windowMinutes[w] * 60_000), now)),
  );
  return Object.fromEntries(
    windows.map((w, i) => [w, { good: read[i]!.arrivedWithinSla, total: read[i]!.arrived + read[i]!.missedUnarrived }]),
  );
}

export async function evaluateSlos(deps: SloDeps, now: Date): Promise<SloStatus> {
  const unavailable: SloStatus['unavailable'] = [];
  const [promise, gateway] = await Promise.all([
    promiseCounts(deps.metricsStore, now),
    deps.gateway
      ? deps.gateway.counts(now).catch((error: unknown) => {
          const reason = `CloudWatch could not be read: ${error instanceof Error ? error.message : String(error)}`;
          unavailable.push({ slo: 'availability', reason }, { slo: 'latency', reason });
          return undefined;
        })
      : Promise.resolve(undefined),
  ]);
  if (!deps.gateway) {
    const reason = 'this stage has no API Gateway metrics (SLO_GATEWAY_METRICS=none)';
    unavailable.push({ slo: 'availability', reason }, { slo: 'latency', reason });
  }
  const counts = { promise, ...(gateway ?? {}) };
  const slos = serviceSlos(deps.slos.objectives)
    .filter((spec) => counts[spec.name])
    .map((spec) => evaluateSlo(spec, counts[spec.name]!));
  return { at: now.toISOString(), slos, unavailable };
}

/** Each SLO's burn rate per window and budget left, as CloudWatch metrics (the burn-rate alarms read these). */
export function sloMetrics(status: SloStatus): MetricDatum[] {
  const data: MetricDatum[] = [];
  for (const slo of status.slos) {
    for (const w of burnWindows as readonly BurnWindow[]) {
      const rate = slo.burnRates[w];
      if (rate !== undefined) data.push({ name: sloMetricName.burnRate(slo.name, w), unit: 'None', value: rate });
    }
    if (slo.budgetRemaining !== null)
      data.push({
        name: sloMetricName.budgetRemaining(slo.name),
        unit: 'Percent',
        value: Math.round(slo.budgetRemaining * 1000) / 10,
      });
  }
  return data;
}
