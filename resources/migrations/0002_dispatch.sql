-- Dispatch: acceptance, declines (never re-offer to someone who said no), SLA-at-risk flag and redispatch bookkeeping.
ALTER TABLE emergency_requests
  ADD COLUMN accepted_at       timestamptz,
  ADD COLUMN declined_by       text[] NOT NULL DEFAULT '{}',
  ADD COLUMN sla_at_risk       boolean NOT NULL DEFAULT false,
  ADD COLUMN dispatch_attempts integer NOT NULL DEFAULT 0,
  ADD COLUMN last_dispatch_at  timestamptz;

-- Redispatch looks for assignments nobody accepted in time.
CREATE INDEX emergency_requests_unaccepted_idx ON emergency_requests (assigned_at)
  WHERE status = 'assigned' AND accepted_at IS NULL;
