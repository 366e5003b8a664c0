// GET /ops/metrics (operations role): the live business figures, severity and weather level for the dashboard.
import { loadConfig } from '../../shared/config.js';
import { makeDeps, type Deps } from '../../shared/deps.js';
import { httpRoute } from '../../shared/http/route.js';
import { operationsView } from '../../shared/usecases/operations-view.js';

export const makeHandler = (deps: Deps) =>
  httpRoute({ http: deps.http, auth: { verifier: deps.verifier, role: 'operations' } }, async () => {
    const view = await operationsView(deps);
    return { status: 200, body: { ...view.figures, severity: view.severity, weatherLevel: view.weatherLevel } };
  });

export const handler = makeHandler(makeDeps(loadConfig()));
