// What operations' actions on a request take (reassign, cancel): dispatch's deps, and the conditional writes behind
// each action on the same pool. Composed once here for both routes.
import type { Config } from '#shared/config.js';
import { PostgresOperationsRequestStore } from '#shared/adapters/postgres/operations-actions.js';
import type { OperationsActionDeps } from './operations-actions.js';
import { dispatchParts } from '#functions/dispatch/index.js';
import { httpSettings, tokenVerifier, type StaffRouteDeps } from '#shared/compose/http.js';

type OperationsActionConcerns = Pick<
  Config,
  | 'region'
  | 'database'
  | 'dynamodb'
  | 'tables'
  | 'notifier'
  | 'sms'
  | 'dataProtection'
  | 'dispatch'
  | 'links'
  | 'auth'
  | 'http'
  | 'intake'
>;

export function operationsActionRouteDeps(config: OperationsActionConcerns): OperationsActionDeps & StaffRouteDeps {
  const { deps, pool, phones } = dispatchParts(config);
  return {
    ...deps,
    operationsStore: new PostgresOperationsRequestStore(pool, phones),
    verifier: tokenVerifier(config),
    http: httpSettings(config),
  };
}
