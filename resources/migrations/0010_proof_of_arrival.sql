-- Proof of arrival: a 4-digit code only the customer sees, how far the van was when it said "arrived", and which
-- arrivals the SLA figures may trust.

-- The code is drawn from gen_random_uuid() (a CSPRNG, unlike random()), here rather than in the intake code, so requests
-- replayed from the intake buffer get one too. 7 hex digits = 28 random bits; the bias of mod 10000 is negligible.
ALTER TABLE emergency_requests
  ADD COLUMN arrival_code text NOT NULL
    DEFAULT lpad(((('x' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 7))::bit(28)::int) % 10000)::text, 4, '0')
    CHECK (arrival_code ~ '^[0-9]{4}$'),
  -- Straight-line metres from the van's latest fresh fix to the breakdown when "arrived" was accepted.
  ADD COLUMN arrival_distance_m integer,
  -- The on-site time, set only when the van's position was checked at arrival; cleared when operations close the job
  -- without the customer's code. The SLA figures count an arrival only when this is set.
  ADD COLUMN arrival_verified_at timestamptz,
  ADD COLUMN arrival_code_failures integer NOT NULL DEFAULT 0,
  -- How the job was closed: 'code' (the customer's code) or 'override' (operations, with a reason and who; the audit
  -- trigger keeps both in the row's history).
  ADD COLUMN completed_by_method text CHECK (completed_by_method IN ('code', 'override')),
  ADD COLUMN completion_override_reason text,
  ADD COLUMN completion_override_by text,
  ADD CONSTRAINT emergency_requests_override_explained
    CHECK (completed_by_method IS DISTINCT FROM 'override' OR (completion_override_reason IS NOT NULL AND completion_override_by IS NOT NULL));

-- Rows from before this migration were never checked: they stay unverified (arrival_verified_at NULL).

-- The figures now read verified arrivals; the indexes on on_site_at they used go.
DROP INDEX emergency_requests_arrivals_idx;
DROP INDEX emergency_requests_unarrived_deadline_idx;

-- Verified arrivals in the last hour / today: response time and SLA compliance, from the index alone.
CREATE INDEX emergency_requests_verified_arrivals_idx
  ON emergency_requests (arrival_verified_at) INCLUDE (created_at, sla_deadline)
  WHERE arrival_verified_at IS NOT NULL AND NOT is_test;

-- Deadlines passed with no verified arrival (never reached, or reached without proof).
CREATE INDEX emergency_requests_unverified_deadline_idx
  ON emergency_requests (sla_deadline)
  WHERE arrival_verified_at IS NULL AND NOT is_test;

-- Completions without a verified arrival, counted apart.
CREATE INDEX emergency_requests_unverified_completions_idx
  ON emergency_requests (completed_at)
  WHERE completed_at IS NOT NULL AND arrival_verified_at IS NULL AND NOT is_test;
