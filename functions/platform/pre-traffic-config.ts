// The pre-traffic hook's own setting: which function is probed with GET /health rather than a refused request.
import { concern, field, text } from '#shared/config/concern.js';

export const preTrafficConcern = concern(
  'preTraffic',
  {
    HEALTH_FUNCTION_NAME: field(
      text,
      'The health function, which the pre-traffic hook probes with GET /health (every other route with a refused request).',
      'tyrehero-dispatch-local-health',
    ),
  },
  (o) => o.transform((c) => ({ healthFunctionName: c.HEALTH_FUNCTION_NAME })),
);
