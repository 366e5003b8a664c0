// What operations' actions on a request take (reassign, cancel): dispatch's deps, and the conditional writes behind
// each action on the same pool. Composed once here for both routes.
import type { ConfigOf } from '#shared/config/concern.js';
import { authConcern } from '#shared/config/auth.js';
import { dataProtectionConcern } from '#shared/config/data-protection.js';
import { databaseConcern } from '#shared/config/database.js';
import { dispatchConcern } from '#shared/config/dispatch.js';
import { dynamodbConcern } from '#shared/config/dynamodb.js';
import { routeConcerns } from '#shared/config/http.js';
import { linksConcern } from '#shared/config/links.js';
import { notifierConcern } from '#shared/config/notifier.js';
import { regionConcern } from '#shared/config/region.js';
import { smsConcern } from '#shared/config/sms.js';
import { tablesConcern } from '#shared/config/tables.js';
import { PostgresOperationsRequestStore } from '#shared/adapters/postgres/operations-actions.js';
import type { OperationsActionDeps } from './operations-actions.js';
import { dispatchParts } from '#functions/dispatch/index.js';
import { tokenVerifier, type StaffRouteDeps } from '#shared/compose/http.js';
import { dynamo } from '#shared/compose/dynamo.js';
import { standbyAwareHttpSettings } from '#shared/compose/active-region.js';

/** What the action routes read: dispatch's concerns and a staff route's. */
export const operationsActionConcerns = [
  regionConcern,
  databaseConcern,
  dynamodbConcern,
  tablesConcern,
  notifierConcern,
  smsConcern,
  dataProtectionConcern,
  dispatchConcern,
  linksConcern,
  authConcern,
  ...routeConcerns,
] as const;

export function operationsActionRouteDeps(
  config: ConfigOf<typeof operationsActionConcerns>,
): OperationsActionDeps & StaffRouteDeps {
  const { deps, pool, phones } = dispatchParts(config);
  return {
    ...deps,
    operationsStore: new PostgresOperationsRequestStore(pool, phones),
    verifier: tokenVerifier(config),
    http: standbyAwareHttpSettings(config, dynamo(config).documents),
  };
}
