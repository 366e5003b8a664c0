// The chain of scheduled and console-invoked Lambdas: Powertools context and metrics, nothing HTTP.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { isActive, type RegionRole } from '#shared/ports/active-region.js';
import { logger } from './logger.js';
import { metrics } from './metrics.js';

/** What a writer that runs only where the active-region record points takes beside its use case's deps. */
export interface ActiveRegionOnly {
  /** Absent: it always runs (a single-region stage composed without the record, tests of the use case). */
  regionRole?: RegionRole;
}

/** What a writer scheduled in the standby region returns instead of running. */
export interface SkippedInStandby {
  skipped: 'standby';
  region: string;
  activeRegion: string;
}

export function scheduledJob<E, R>(job: (event: E) => Promise<R>): ReturnType<typeof chain<E, R>>;
export function scheduledJob<E, R>(
  job: (event: E) => Promise<R>,
  where: ActiveRegionOnly,
): ReturnType<typeof chain<E, R | SkippedInStandby>>;
export function scheduledJob<E, R>(job: (event: E) => Promise<R>, where: ActiveRegionOnly = {}) {
  const role = where.regionRole;
  // Scheduled in both regions of a pair; the record decides, so moving them after a failover needs no deploy.
  const run = role
    ? async (event: E): Promise<R | SkippedInStandby> => {
        if (await isActive(role)) return job(event);
        const activeRegion = await role.activeRegion();
        logger.info('standby region: scheduled writer not run', { region: role.region, activeRegion });
        return { skipped: 'standby', region: role.region, activeRegion };
      }
    : job;
  return chain(run);
}

function chain<E, R>(run: (event: E) => Promise<R>) {
  return middy(run).use(injectLambdaContext(logger)).use(logMetrics(metrics));
}
