// POST /jobs/{id}/<action>: the assigned technician accepts, declines, sets off, arrives or completes.
import { loadConcerns, parseAuth, parseDatabase, parseDispatch, parseDynamodb, parseHttp, parseIntake, parseNotifier, parseRegion, parseTables } from '../../shared/config.js';
import { DynamoTechnicianIndex } from '../../shared/adapters/dynamodb/technician-index.js';
import { PostgresRequestStore } from '../../shared/adapters/postgres/request-store.js';
import { PostgresSyntheticNotificationLog } from '../../shared/adapters/postgres/synthetic-notifications.js';
import { PostgresTechnicianDirectory } from '../../shared/adapters/postgres/technician-directory.js';
import { systemClock } from '../../shared/adapters/system.js';
import { dynamo } from '../../shared/compose/dynamo.js';
import { httpSettings, tokenVerifier, type StaffRouteDeps } from '../../shared/compose/http.js';
import { notifier } from '../../shared/compose/notifier.js';
import { postgres } from '../../shared/compose/postgres.js';
import { httpRoute } from '../../shared/http/route.js';
import { logger } from '../../shared/powertools/logger.js';
import { JobIdPath } from '../../shared/schemas/technician.js';
import type { DispatchDeps } from '../../shared/usecases/dispatch.js';
import { applyJobAction, type TechnicianAction } from '../../shared/usecases/job-actions.js';

export type JobActionDeps = DispatchDeps & StaffRouteDeps;

export const makeJobActionHandler = (action: TechnicianAction) => (deps: JobActionDeps) =>
  httpRoute({ http: deps.http, auth: { verifier: deps.verifier, role: 'technicians' }, params: JobIdPath }, async ({ principal, params }) => {
    const job = await applyJobAction(deps, principal!, params.id, action);
    return { status: 200, body: { id: job.id, reference: job.reference, status: job.status } };
  });

function compose(): JobActionDeps {
  const config = loadConcerns({ region: parseRegion, database: parseDatabase, dynamodb: parseDynamodb, tables: parseTables, notifier: parseNotifier, dispatch: parseDispatch, auth: parseAuth, http: parseHttp, intake: parseIntake });
  const pool = postgres(config);
  return {
    requests: new PostgresRequestStore(pool),
    directory: new PostgresTechnicianDirectory(pool),
    technicians: new DynamoTechnicianIndex(dynamo(config).documents, config.tables.locations),
    notifier: notifier(config, logger, new PostgresSyntheticNotificationLog(pool)),
    clock: systemClock,
    log: logger,
    dispatch: config.dispatch,
    verifier: tokenVerifier(config),
    http: httpSettings(config),
  };
}

/** Each route is its own Lambda; they differ only in the action. */
export const jobActionLambda = (action: TechnicianAction) => makeJobActionHandler(action)(compose());
