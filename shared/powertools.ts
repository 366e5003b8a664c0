// The one place Powertools logger, metrics and tracer are built; every handler shares these instances.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

const serviceName = 'tyrehero-dispatch';

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ serviceName, namespace: 'TyreHero/Emergency', defaultDimensions: { stage: process.env.STAGE ?? 'local' } });
export const tracer = new Tracer({ serviceName });
