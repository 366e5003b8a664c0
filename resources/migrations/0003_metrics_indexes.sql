-- Business metrics (collectMetrics, GET /ops/metrics) and incident broadcasts: every figure is read from an index whose
-- size follows the open queue or the time window asked about, never the whole history of requests.
-- Test requests are left out of these indexes because every figure leaves them out.

-- Counts by status, the oldest pending request, high-priority pending, overdue open requests, broadcast recipients.
CREATE INDEX emergency_requests_open_status_idx
  ON emergency_requests (status, priority, created_at)
  WHERE status IN ('pending', 'assigned', 'en_route', 'on_site') AND NOT is_test;

-- Arrivals in the last hour / today: response time and SLA compliance, answered from the index alone.
CREATE INDEX emergency_requests_arrivals_idx
  ON emergency_requests (on_site_at) INCLUDE (created_at, sla_deadline)
  WHERE on_site_at IS NOT NULL AND NOT is_test;

-- Completed today.
CREATE INDEX emergency_requests_completions_idx
  ON emergency_requests (completed_at)
  WHERE completed_at IS NOT NULL AND NOT is_test;

-- Deadlines missed with nobody on site: only requests never reached are in it (open ones, and cancellations).
CREATE INDEX emergency_requests_unarrived_deadline_idx
  ON emergency_requests (sla_deadline)
  WHERE on_site_at IS NULL AND NOT is_test;
