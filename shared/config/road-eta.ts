// Where the assigned van's ETA comes from: a road route in AWS (intake), or the straight-line heuristic.
import { concern, field, int, oneOf, optionalText, at } from './concern.js';

export const roadEtaConcern = concern(
  'roadEta',
  {
    ROAD_ETA: field(
      oneOf(['heuristic', 'aws-location']),
      "The assigned van's ETA at intake: 'heuristic' (shared/domain/eta.ts) or 'aws-location' (a road route from ROUTE_CALCULATOR_NAME, the heuristic when it fails or is late).",
      'heuristic',
    ),
    ROUTE_CALCULATOR_NAME: field(
      optionalText,
      'AWS Location Service route calculator used when ROAD_ETA=aws-location.',
    ),
    ROAD_ETA_TIMEOUT_MS: field(
      int(50),
      "How long intake waits for the road route before answering with the heuristic's ETA: a small share of its 3 s budget (CalculateRoute answers in ~100–300 ms).",
      '800',
    ),
  },
  (o) =>
    o
      .refine(
        (c) => c.ROAD_ETA !== 'aws-location' || c.ROUTE_CALCULATOR_NAME,
        at('ROUTE_CALCULATOR_NAME', 'is required when ROAD_ETA=aws-location'),
      )
      .transform((c) => ({
        kind: c.ROAD_ETA,
        calculatorName: c.ROUTE_CALCULATOR_NAME,
        timeoutMs: c.ROAD_ETA_TIMEOUT_MS,
      })),
);
