-- Operations act on a request from the live view: cancel it, or take it off its technician and dispatch it again. The
-- reason and who did it are kept on the row, so the audit trigger records them in the same audit row as the change
-- they explain (as completion_override_reason/_by do for an override completion, migration 0010).
ALTER TABLE emergency_requests
  -- Set only when operations cancelled it (a customer's own cancellation leaves them NULL).
  ADD COLUMN cancellation_reason text,
  ADD COLUMN cancelled_by text,
  -- The latest reassignment; each earlier one is in the audit trail's old_row/new_row.
  ADD COLUMN reassignment_reason text,
  ADD COLUMN reassigned_by text,
  ADD COLUMN reassigned_at timestamptz,
  ADD CONSTRAINT emergency_requests_cancellation_explained
    CHECK ((cancelled_by IS NULL) = (cancellation_reason IS NULL) AND (cancelled_by IS NULL OR status = 'cancelled')),
  ADD CONSTRAINT emergency_requests_reassignment_explained
    CHECK ((reassigned_by IS NULL) = (reassignment_reason IS NULL) AND (reassigned_by IS NULL) = (reassigned_at IS NULL));
