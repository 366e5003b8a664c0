// The health checks' own settings (GET /health and GET /ops/health): when the backlog is degraded, how long a check waits.
import { concern, field, int } from '#shared/config/concern.js';

export const healthConcern = concern(
  'health',
  {
    BACKLOG_DEGRADED_ABOVE: field(int(), 'Health reports degraded when more requests than this are pending.', '10'),
    HEALTH_CHECK_TIMEOUT_MS: field(int(1), 'Timeout of each dependency check in GET /health.', '1000'),
  },
  (o) =>
    o.transform((c) => ({ backlogDegradedAbove: c.BACKLOG_DEGRADED_ABOVE, checkTimeoutMs: c.HEALTH_CHECK_TIMEOUT_MS })),
);
