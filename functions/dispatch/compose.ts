// What dispatching takes (stores, index, the SMS notifier behind the synthetic guard and the SMS guard): composed once here for every function that
// assigns or reassigns technicians (the job actions and redispatch), so their roots cannot drift apart.
import type { CoreConfig } from '#shared/config/core.js';
import { DynamoTechnicianIndex } from '#shared/adapters/dynamodb/technician-index.js';
import { PostgresRequestStore } from '#shared/adapters/postgres/request-store.js';
import { PostgresSyntheticNotificationLog } from '#shared/adapters/postgres/synthetic-notifications.js';
import { PostgresTechnicianDirectory } from '#shared/adapters/postgres/technician-directory.js';
import { systemClock } from '#shared/adapters/system.js';
import { logger } from '#shared/powertools/logger.js';
import { withDispatcher, type DispatchDeps } from './dispatch.js';
import type { RedispatchDeps } from './redispatch.js';
import { dynamo } from '#shared/compose/dynamo.js';
import { notifier } from '#shared/compose/notifier.js';
import { makePhoneProtection } from '#shared/compose/phones.js';
import { KeyedTrackingLinks } from '#shared/adapters/crypto/keyed-tracking-links.js';
import { postgres } from '#shared/compose/postgres.js';
import { guardSms, makeRateCounter } from '#shared/compose/protection.js';
import { smsContinuity } from '#shared/compose/sms-continuity.js';

// Types only: other features reach this module through ./index.ts, so a concern imported here would be bundled into
// functions that never load it. Each root imports and lists the concerns it loads.
type DispatchConcerns = Pick<
  CoreConfig,
  'region' | 'database' | 'dynamodb' | 'tables' | 'notifier' | 'sms' | 'dataProtection' | 'dispatch' | 'links'
>;

export function dispatchDeps(config: DispatchConcerns) {
  return dispatchParts(config).deps;
}

/** The dispatch deps and the pool and phone protection they were built on, for a root that composes more on them. */
export function dispatchParts(config: DispatchConcerns) {
  const pool = postgres(config);
  const { documents } = dynamo(config);
  const phones = makePhoneProtection(config);
  const deps = withDispatcher<DispatchDeps & Pick<RedispatchDeps, 'directory'> & { dispatch: CoreConfig['dispatch'] }>({
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
  });
  return { deps, pool, phones };
}
