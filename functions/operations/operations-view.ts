// What the operations dashboard polls: the collector's own figures, the incident level they imply, and the weather.
import { assessSeverity, type SeverityAssessment } from '#shared/domain/incident-severity.js';
import type { WeatherLevel } from '#shared/domain/priority.js';
import type { Incident } from '#shared/domain/incident.js';
import type { IncidentStore } from '#shared/ports/incidents.js';
import type { SloStatus, SloStatusStore } from '#shared/ports/slo.js';
import { activeSurge, type Surge } from '#shared/domain/surge.js';
import type { SurgeStore } from '#shared/ports/surge.js';
import type { WeatherLevelReader } from '#shared/ports/weather-level.js';
import { computeOperationalFigures, type FiguresDeps, type OperationalFigures } from './operational-figures.js';

export interface OperationsViewDeps extends FiguresDeps {
  weather: WeatherLevelReader;
  sloStatus: Pick<SloStatusStore, 'load'>;
  incidents: Pick<IncidentStore, 'listOpen'>;
  surges: Pick<SurgeStore, 'latest'>;
}

/** An open incident as the live view lists it; the whole record is GET /ops/incidents/{id}. */
export interface IncidentSummary {
  id: string;
  title: string;
  severity: Incident['severity'];
  status: Incident['status'];
  openedAt: string;
  commander?: string;
  pagedLevel: number;
}

export interface OperationsView {
  figures: OperationalFigures;
  severity: SeverityAssessment;
  weatherLevel: WeatherLevel;
  /** collectMetrics' latest SLO evaluation (budgets, burn rates); null before its first run. */
  slos: SloStatus | null;
  /** Every unresolved incident, most severe first, then oldest. */
  incidents: IncidentSummary[];
  /** Surge mode in force (an operator's capacity override), or null. */
  surge: Surge | null;
}

export async function operationsView(deps: OperationsViewDeps): Promise<OperationsView> {
  const [figures, weatherLevel, slos, open, surge] = await Promise.all([
    computeOperationalFigures(deps),
    deps.weather.currentLevel(),
    deps.sloStatus.load(),
    deps.incidents.listOpen(),
    deps.surges.latest(),
  ]);
  const incidents = open
    .map(({ incident: i }) => ({
      id: i.id,
      title: i.title,
      severity: i.severity,
      status: i.status,
      openedAt: i.openedAt,
      ...(i.commander ? { commander: i.commander } : {}),
      pagedLevel: i.paging.level,
    }))
    .sort((a, b) => a.severity.localeCompare(b.severity) || a.openedAt.localeCompare(b.openedAt));
  return {
    figures,
    severity: assessFigures(figures),
    weatherLevel,
    slos: slos ?? null,
    incidents,
    surge: activeSurge(surge, figures.at) ?? null,
  };
}

/**
 * The incident level the figures imply. They were read from PostgreSQL and DynamoDB just now, so the service is up;
 * if either were down the read throws (the route answers 503, collectMetrics fails) and /health reports the outage.
 */
export function assessFigures(figures: OperationalFigures): SeverityAssessment {
  return assessSeverity({
    service: 'up',
    affectedCustomers: figures.openPastDeadline,
    dataIntegrityFailure: false,
    security: 'none',
    queueLength: figures.pendingRequests,
  });
}
