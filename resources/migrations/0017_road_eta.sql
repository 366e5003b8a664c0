-- Where each assignment's ETA came from (issue 28, part 5): a road route from AWS Location, or the straight-line
-- heuristic, and both estimates in minutes where both were had, so the heuristic's error against the route is a
-- figure (GET /ops/metrics). Additive and nullable: the running release's UPDATE leaves them NULL, and a row assigned
-- before this migration has no basis.
ALTER TABLE emergency_requests
  ADD COLUMN eta_method text CHECK (eta_method IN ('road', 'heuristic')),
  ADD COLUMN heuristic_eta_minutes integer,
  ADD COLUMN road_eta_minutes integer;

-- The heuristic's error over a window, from the index alone: only assignments that had both estimates.
CREATE INDEX emergency_requests_road_eta_idx
  ON emergency_requests (assigned_at) INCLUDE (heuristic_eta_minutes, road_eta_minutes)
  WHERE road_eta_minutes IS NOT NULL AND NOT is_test;
