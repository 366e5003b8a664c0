// The pre-traffic hook's own settings: which function is probed with GET /health, and which with a synthetic emergency
// (and cancelled through which), rather than a refused request.
import { concern, field, text } from '#shared/config/concern.js';

export const preTrafficConcern = concern(
  'preTraffic',
  {
    HEALTH_FUNCTION_NAME: field(
      text,
      'The health function, which the pre-traffic hook probes with GET /health (every other route with a refused request).',
      'tyrehero-dispatch-local-health',
    ),
    INTAKE_FUNCTION_NAME: field(
      text,
      'The intake function, which the pre-traffic hook probes with a synthetic emergency on the test fleet.',
      'tyrehero-dispatch-local-createEmergency',
    ),
    CANCEL_FUNCTION_NAME: field(
      text,
      "The customer's cancel function, whose Live alias the pre-traffic hook cancels its synthetic emergency through.",
      'tyrehero-dispatch-local-cancelEmergency',
    ),
  },
  (o) =>
    o.transform((c) => ({
      healthFunctionName: c.HEALTH_FUNCTION_NAME,
      intake: { functionName: c.INTAKE_FUNCTION_NAME, cancelFunctionName: c.CANCEL_FUNCTION_NAME },
    })),
);
