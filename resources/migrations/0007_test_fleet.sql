-- Synthetic requests (DR drills, synthetic monitoring) must never touch the real fleet or text a real person.
-- Test technicians are flagged in the directory; the flag must agree with the reserved id prefix the live index uses
-- (shared/domain/test-fleet.ts), so a real technician can never be marked as a test one or the reverse.
ALTER TABLE technicians
  ADD COLUMN is_test boolean NOT NULL DEFAULT false,
  ADD CONSTRAINT technicians_test_fleet_id_chk CHECK (is_test = (id LIKE 'test-%'));

-- What would have been sent about a synthetic request, instead of sending it (the drill checks it, operations can read it).
CREATE TABLE synthetic_notifications (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id    uuid NOT NULL,
  channel       text NOT NULL CHECK (channel IN ('sms', 'operations')),
  purpose       text NOT NULL,
  recipient     text,
  body          text NOT NULL,
  recorded_at   timestamptz NOT NULL
);
CREATE INDEX synthetic_notifications_request_idx ON synthetic_notifications (request_id, id);
