// GET /health: can the intake path take emergencies right now?
import { loadConfig } from '../../shared/config.js';
import { makeDeps, type Deps } from '../../shared/deps.js';
import { httpRoute } from '../../shared/http/route.js';
import { checkHealth } from '../../shared/usecases/check-health.js';

export const makeHandler = (deps: Deps) =>
  httpRoute({ http: deps.http }, async () => {
    const report = await checkHealth(deps);
    return { status: report.status === 'healthy' ? 200 : 503, body: report };
  });

export const handler = makeHandler(makeDeps(loadConfig()));
