// Where messages go: SNS in AWS, the log locally.
import { concern, field, optionalText, oneOf, at } from './concern.js';

export const notifierConcern = concern(
  'notifier',
  {
    NOTIFIER: field(oneOf(['log', 'sns']), "'log' (local: messages are logged, not sent) or 'sns'.", 'log'),
    OPS_ALERTS_TOPIC_ARN: field(optionalText, 'SNS topic for operations alerts (NOTIFIER=sns).'),
  },
  (o) =>
    o
      .refine(
        (c) => c.NOTIFIER !== 'sns' || c.OPS_ALERTS_TOPIC_ARN,
        at('OPS_ALERTS_TOPIC_ARN', 'is required when NOTIFIER=sns'),
      )
      .transform((c) => ({ kind: c.NOTIFIER, opsTopicArn: c.OPS_ALERTS_TOPIC_ARN })),
);
