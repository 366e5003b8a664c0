// The one place Powertools logger, metrics and tracer are built; every handler shares these instances.
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { redactPersonalData } from './log-redaction.js';

const serviceName = 'tyrehero-dispatch';

// Every key and value passes through the redactor on its way out (README, "Data protection").
export const logger = new Logger({ serviceName, jsonReplacerFn: redactPersonalData });
// Every TyreHero/Emergency metric carries the same dimensions (service, stage, region): a CloudWatch alarm matches a
// metric only on its exact dimension set, and resources/alarms.yml names these three.
export const metrics = new Metrics({
  serviceName,
  namespace: 'TyreHero/Emergency',
  defaultDimensions: { stage: process.env.STAGE ?? 'local', region: process.env.AWS_REGION ?? 'eu-west-2' },
});
export const tracer = new Tracer({ serviceName });

/** The chain of scheduled and console-invoked Lambdas: Powertools context and metrics, nothing HTTP. */
export function scheduledJob<E, R>(job: (event: E) => Promise<R>) {
  return middy(job).use(injectLambdaContext(logger)).use(logMetrics(metrics));
}
