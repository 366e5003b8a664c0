-- Disaster-recovery operations and drills: who ran what, when, the plan they were shown, the outcome and its timings.
-- The DR plan asks for a documented record of every failover, restore, recovery and monthly drill; this is it.
CREATE TABLE dr_runs (
  id            uuid PRIMARY KEY,
  kind          text NOT NULL CHECK (kind IN ('check', 'failover', 'restore', 'recover', 'drill')),
  operator      text NOT NULL CHECK (length(operator) BETWEEN 1 AND 200),
  dry_run       boolean NOT NULL,
  started_at    timestamptz NOT NULL,
  finished_at   timestamptz NOT NULL,
  outcome       text NOT NULL CHECK (outcome IN ('planned', 'succeeded', 'failed', 'refused')),
  plan          jsonb NOT NULL,
  result        jsonb NOT NULL,
  CHECK (finished_at >= started_at)
);
CREATE INDEX dr_runs_kind_started_idx ON dr_runs (kind, started_at DESC);
