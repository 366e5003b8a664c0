// The Powertools metrics every function shares: EMF, flushed by the logMetrics middleware at the end of each invocation.
import { Metrics } from '@aws-lambda-powertools/metrics';

// Every TyreHero/Emergency metric carries the same dimensions (service, stage, region): a CloudWatch alarm matches a
// metric only on its exact dimension set, and resources/alarms.yml names these three.
export const metrics = new Metrics({
  serviceName: 'tyrehero-dispatch',
  namespace: 'TyreHero/Emergency',
  defaultDimensions: { stage: process.env.STAGE ?? 'local', region: process.env.AWS_REGION ?? 'eu-west-2' },
});
