-- Incident broadcasts: which customer was texted about which incident. The primary key is the invariant "at most one
-- SMS per customer (phone) per incident": a sender claims the row with INSERT ... ON CONFLICT DO NOTHING before it
-- sends, so a rerun, a retry or two operators broadcasting at once can never text the same customer twice.
CREATE TABLE incident_broadcasts (
  incident_id  text NOT NULL CHECK (incident_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  phone        text NOT NULL CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
  request_id   uuid NOT NULL REFERENCES emergency_requests(id),
  claimed_at   timestamptz NOT NULL,
  -- NULL after a claim whose send failed: that customer is not retried for this incident (at most once, not at least).
  sent_at      timestamptz,
  PRIMARY KEY (incident_id, phone)
);
