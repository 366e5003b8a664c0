// A function's view of which region serves (the replicated active-region record), for the routes and jobs that must
// act only there: built once per container, read at most once per ACTIVE_REGION_CACHE_MS.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConfigOf } from '#shared/config/concern.js';
import type { activeRegionConcern } from '#shared/config/active-region.js';
import type { regionConcern } from '#shared/config/region.js';
import type { tablesConcern } from '#shared/config/tables.js';
import { CachedRegionRole, DynamoActiveRegionStore } from '#shared/adapters/dynamodb/active-region.js';
import { systemClock } from '#shared/adapters/system.js';
import type { Clock } from '#shared/ports/clock.js';
import type { RegionRole } from '#shared/ports/active-region.js';
import { logger } from '#shared/powertools/logger.js';
import type { HttpSettings } from '#shared/http/route.js';
import { httpSettings } from './http.js';

type Config = ConfigOf<typeof regionConcern | typeof tablesConcern | typeof activeRegionConcern>;

export function activeRegionStore(config: Pick<Config, 'tables'>, documents: DynamoDBDocumentClient) {
  return new DynamoActiveRegionStore(documents, config.tables.scalingState);
}

export function regionRole(config: Config, documents: DynamoDBDocumentClient, clock: Clock = systemClock): RegionRole {
  return new CachedRegionRole(config.region, activeRegionStore(config, documents), {
    defaultRegion: config.activeRegion.defaultRegion,
    cacheMs: config.activeRegion.cacheMs,
    clock,
    log: logger,
  });
}

/**
 * A route's chain settings that refuse requests while this region is on standby (503 + Retry-After): every route that
 * reads or writes the service's state. Each such route loads activeRegionConcern and may GetItem the scaling-state table.
 */
export function standbyAwareHttpSettings(
  config: Parameters<typeof httpSettings>[0] & Config,
  documents: DynamoDBDocumentClient,
): HttpSettings {
  return { ...httpSettings(config), regionRole: regionRole(config, documents) };
}
