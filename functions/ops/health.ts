// GET /health: shallow and cheap, for Route 53 and anything else that fails over. 200 whenever intake works.
import { loadConfig } from '../../shared/config.js';
import { makeDeps } from '../../shared/deps.js';
import { httpRoute, type HttpSettings } from '../../shared/http/route.js';
import { checkIntakeHealth, type IntakeHealthDeps } from '../../shared/usecases/check-intake-health.js';

export const makeHandler = (deps: IntakeHealthDeps & { http: HttpSettings }) =>
  httpRoute({ http: deps.http }, async () => {
    const health = await checkIntakeHealth(deps);
    return { status: health.status === 'down' ? 503 : 200, body: health };
  });

export const handler = makeHandler(makeDeps(loadConfig()));
