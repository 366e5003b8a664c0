// Every minute (and by hand): publish the business figures as EMF metrics for the dashboards and alarms.
import { loadConfig } from '../../shared/config.js';
import { makeDeps, type Deps } from '../../shared/deps.js';
import { metrics, scheduledJob } from '../../shared/powertools.js';
import { asMetrics, computeOperationalFigures } from '../../shared/usecases/operational-figures.js';

export const makeHandler = (deps: Deps) =>
  scheduledJob(async () => {
    const figures = await computeOperationalFigures(deps);
    const published = asMetrics(figures);
    for (const { name, unit, value } of published) metrics.addMetric(name, unit, value);
    // Printed by `sls invoke local`, and a record in the logs of what was published.
    return { at: figures.at.toISOString(), metrics: Object.fromEntries(published.map((m) => [m.name, m.value])) };
  });

export const handler = makeHandler(makeDeps(loadConfig()));
