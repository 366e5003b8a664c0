// GET /ops/queue: the live dispatch queue for the operations console (operations role only).
import { loadConfig } from '../../shared/config.js';
import { makeDeps, type Deps } from '../../shared/deps.js';
import { httpRoute } from '../../shared/http/route.js';
import { operationsQueue } from '../../shared/usecases/operations-queue.js';

export const makeHandler = (deps: Deps) =>
  httpRoute({ http: deps.http, auth: { verifier: deps.verifier, role: 'operations' } }, async () => ({ status: 200, body: await operationsQueue(deps) }));

export const handler = makeHandler(makeDeps(loadConfig()));
