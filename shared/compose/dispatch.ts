// What dispatching takes (stores, index, the SMS notifier behind the synthetic guard and the SMS guard): composed once here for every function that
// assigns or reassigns technicians (the job actions and redispatch), so their roots cannot drift apart.
import type { Config } from '../config.js';
import { DynamoTechnicianIndex } from '../adapters/dynamodb/technician-index.js';
import { PostgresRequestStore } from '../adapters/postgres/request-store.js';
import { PostgresSyntheticNotificationLog } from '../adapters/postgres/synthetic-notifications.js';
import { PostgresTechnicianDirectory } from '../adapters/postgres/technician-directory.js';
import { systemClock } from '../adapters/system.js';
import { logger } from '../powertools/logger.js';
import type { DispatchDeps } from '../usecases/dispatch.js';
import type { RedispatchDeps } from '../usecases/redispatch.js';
import { dynamo } from './dynamo.js';
import { notifier } from './notifier.js';
import { makePhoneProtection } from './phones.js';
import { KeyedTrackingLinks } from '../adapters/crypto/keyed-tracking-links.js';
import { postgres } from './postgres.js';
import { guardSms, makeRateCounter } from './protection.js';
import { smsContinuity } from './sms-continuity.js';

type DispatchConcerns = Pick<
  Config,
  'region' | 'database' | 'dynamodb' | 'tables' | 'notifier' | 'sms' | 'dataProtection' | 'dispatch' | 'links'
>;

export function dispatchDeps(
  config: DispatchConcerns,
): DispatchDeps & Pick<RedispatchDeps, 'directory'> & { dispatch: Config['dispatch'] } {
  return dispatchParts(config).deps;
}

/** The dispatch deps and the pool and phone protection they were built on, for a root that composes more on them. */
export function dispatchParts(config: DispatchConcerns) {
  const pool = postgres(config);
  const { documents } = dynamo(config);
  const phones = makePhoneProtection(config);
  const deps: DispatchDeps & Pick<RedispatchDeps, 'directory'> & { dispatch: Config['dispatch'] } = {
    requests: new PostgresRequestStore(pool, phones),
    directory: new PostgresTechnicianDirectory(pool),
    technicians: new DynamoTechnicianIndex(documents, config.tables.locations),
    notifier: notifier(config, logger, new PostgresSyntheticNotificationLog(pool), {
      real: smsContinuity(config, logger),
      guard: (outbound) =>
        guardSms(outbound, {
          pool,
          phones,
          rateLimits: makeRateCounter(documents, config),
          clock: systemClock,
          log: logger,
          config,
        }),
    }),
    trackingLinks: new KeyedTrackingLinks(phones, config.links.publicBaseUrl),
    clock: systemClock,
    log: logger,
    dispatch: config.dispatch,
  };
  return { deps, pool, phones };
}
