// What the operations dashboard polls: the collector's own figures, the incident level they imply, and the weather.
import { assessSeverity, type SeverityAssessment } from '#shared/domain/incident-severity.js';
import type { WeatherLevel } from '#shared/domain/priority.js';
import type { WeatherLevelReader } from '#shared/ports/weather-level.js';
import { computeOperationalFigures, type FiguresDeps, type OperationalFigures } from './operational-figures.js';

export interface OperationsViewDeps extends FiguresDeps {
  weather: WeatherLevelReader;
}

export interface OperationsView {
  figures: OperationalFigures;
  severity: SeverityAssessment;
  weatherLevel: WeatherLevel;
}

export async function operationsView(deps: OperationsViewDeps): Promise<OperationsView> {
  const [figures, weatherLevel] = await Promise.all([computeOperationalFigures(deps), deps.weather.currentLevel()]);
  // The figures were read from PostgreSQL and DynamoDB just now, so the service is up; if either were down this
  // throws, the route answers 503, and /health reports the outage (P1).
  const severity = assessSeverity({
    service: 'up',
    affectedCustomers: figures.openPastDeadline,
    dataIntegrityFailure: false,
    security: 'none',
    queueLength: figures.pendingRequests,
  });
  return { figures, severity, weatherLevel };
}
