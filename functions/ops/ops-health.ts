// GET /ops/health: the deep view for operations: every dependency, the backlog and the incident severity.
import { loadConfig } from '../../shared/config.js';
import { makeDeps, type Deps } from '../../shared/deps.js';
import { httpRoute } from '../../shared/http/route.js';
import { checkHealth } from '../../shared/usecases/check-health.js';

// Always 200 when the report could be made: the verdict is in the body, and nothing fails over on this route.
export const makeHandler = (deps: Deps) =>
  httpRoute({ http: deps.http, auth: { verifier: deps.verifier, role: 'operations' } }, async () => ({ status: 200, body: await checkHealth(deps) }));

export const handler = makeHandler(makeDeps(loadConfig()));
