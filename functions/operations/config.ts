// Operations' own settings: what counts as high priority, and the satisfaction target its figures are tracked against.
import { at, concern, field, int, numeric, oneOf, optionalText } from '#shared/config/concern.js';

export const operationsConcern = concern(
  'operations',
  {
    HIGH_PRIORITY_AT_MOST: field(
      int(1),
      'Pending requests of this priority or more urgent (1 is most urgent) count as HighPriorityPending.',
      '2',
    ),
    SATISFACTION_TARGET: field(
      numeric('a number from 1 to 5', (n) => n >= 1 && n <= 5),
      'Average customer rating (1–5, last 24 hours) that CustomerSatisfaction is tracked against; /ops/metrics shows it beside the figure.',
      '4.5',
    ),
  },
  (o) =>
    o.transform((c) => ({ highPriorityAtMost: c.HIGH_PRIORITY_AT_MOST, satisfactionTarget: c.SATISFACTION_TARGET })),
);

const objective = (what: string) => numeric(`${what}: a fraction above 0 and below 1`, (n) => n > 0 && n < 1);

/** The SLOs (shared/domain/slo.ts): their objectives, and whether the gateway's CloudWatch metrics can be read. */
export const slosConcern = concern(
  'slos',
  {
    SLO_AVAILABILITY_OBJECTIVE: field(
      objective('availability'),
      'Availability SLO over 30 days: the share of API requests the gateway must answer without a 5xx.',
      '0.999',
    ),
    SLO_PROMISE_OBJECTIVE: field(
      objective('promise'),
      'The 90-minute promise SLO over 30 days: the share of requests whose technician must arrive (verified) by the deadline.',
      '0.95',
    ),
    SLO_LATENCY_OBJECTIVE: field(
      objective('latency'),
      'Latency SLO over 30 days: the share of API requests answered within SLO_LATENCY_MS (0.95 makes it "p95 within").',
      '0.95',
    ),
    SLO_LATENCY_MS: field(int(1), 'The latency SLO threshold in milliseconds, at the gateway.', '500'),
    SLO_GATEWAY_METRICS: field(
      oneOf(['cloudwatch', 'none'] as const),
      "cloudwatch: availability and latency are counted from API Gateway's metrics (SLO_API_NAME); none: only the promise SLO has figures (local stages, which have no gateway metrics).",
      'none',
    ),
    SLO_API_NAME: field(optionalText, "The REST API's name, the ApiName dimension of its CloudWatch metrics."),
  },
  (o) =>
    o
      .refine(
        (c) => c.SLO_GATEWAY_METRICS === 'none' || c.SLO_API_NAME,
        at('SLO_API_NAME', 'SLO_GATEWAY_METRICS=cloudwatch needs SLO_API_NAME'),
      )
      .transform((c) => ({
        objectives: {
          availability: c.SLO_AVAILABILITY_OBJECTIVE,
          promise: c.SLO_PROMISE_OBJECTIVE,
          latency: c.SLO_LATENCY_OBJECTIVE,
          latencyMs: c.SLO_LATENCY_MS,
        },
        gatewayMetrics: c.SLO_GATEWAY_METRICS,
        apiName: c.SLO_API_NAME,
      })),
);
