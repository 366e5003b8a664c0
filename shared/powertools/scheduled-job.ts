// The chain of scheduled and console-invoked Lambdas: Powertools context and metrics, nothing HTTP.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { logger } from './logger.js';
import { metrics } from './metrics.js';

export function scheduledJob<E, R>(job: (event: E) => Promise<R>) {
  return middy(job).use(injectLambdaContext(logger)).use(logMetrics(metrics));
}
