-- Data protection (docs/data-protection.md, "Data protection"): customer phone numbers sealed at rest with a keyed hash for look-ups,
-- customer notifications recorded (for GDPR export), erasures recorded without personal data, step idempotency.
-- Existing plaintext numbers are converted by the migrate function right after this runs (it needs the keys).

ALTER TABLE emergency_requests
  ALTER COLUMN phone DROP NOT NULL,
  -- HMAC-SHA-256 of the E.164 number (hex): the duplicate window, the per-phone limit and GDPR look-ups use it.
  ADD COLUMN phone_hash       text CHECK (phone_hash ~ '^[0-9a-f]{64}$'),
  -- "v1.<wrapped data key>.<iv>.<ciphertext+tag>" (AES-256-GCM).
  ADD COLUMN phone_sealed     text CHECK (length(phone_sealed) <= 1024),
  -- Set when the request was anonymised (GDPR erasure or retention); every personal field is gone by then.
  ADD COLUMN anonymised_at    timestamptz;

-- Every row keeps a way to reach the customer until it is anonymised: the sealed number, or (before conversion) the old one.
ALTER TABLE emergency_requests ADD CONSTRAINT emergency_requests_phone_present
  CHECK (anonymised_at IS NOT NULL OR phone IS NOT NULL OR (phone_hash IS NOT NULL AND phone_sealed IS NOT NULL));

CREATE INDEX emergency_requests_phone_hash_created_at_idx ON emergency_requests (phone_hash, created_at) WHERE phone_hash IS NOT NULL;
-- Retention: closed requests not yet anonymised, oldest first.
CREATE INDEX emergency_requests_retention_idx ON emergency_requests (coalesce(completed_at, cancelled_at))
  WHERE anonymised_at IS NULL AND status IN ('completed', 'cancelled');

-- Every SMS sent to a customer: what, when, about which request. The number itself is only kept as its keyed hash.
CREATE TABLE customer_notifications (
  notification_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id       uuid REFERENCES emergency_requests(id),
  phone_hash       text CHECK (phone_hash ~ '^[0-9a-f]{64}$'),
  purpose          text NOT NULL CHECK (length(purpose) <= 64),
  message          text CHECK (length(message) <= 1600),
  sent_at          timestamptz NOT NULL
);
CREATE INDEX customer_notifications_phone_hash_idx ON customer_notifications (phone_hash) WHERE phone_hash IS NOT NULL;
CREATE INDEX customer_notifications_request_idx ON customer_notifications (request_id);

-- That an erasure happened, and to which requests: no name, number, place or note.
CREATE TABLE data_erasures (
  erasure_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  reason         text NOT NULL CHECK (reason IN ('subject-request', 'retention')),
  requested_by   text CHECK (length(requested_by) <= 128),
  request_ids    uuid[] NOT NULL,
  erased_at      timestamptz NOT NULL
);

-- The personal fields of a request as the audit trail holds it (old_row/new_row), scrubbed the way the row is.
CREATE FUNCTION anonymised_request_json(row_json jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN row_json IS NULL THEN NULL ELSE row_json || jsonb_build_object(
    'customer_name', 'erased',
    'phone', NULL,
    'phone_hash', NULL,
    'phone_sealed', NULL,
    'postcode', NULL,
    'address', NULL,
    'notes', NULL,
    'vehicle_registration', NULL,
    'latitude', round((row_json->>'latitude')::numeric, 2),
    'longitude', round((row_json->>'longitude')::numeric, 2),
    'geohash', left(row_json->>'geohash', 6)
  ) END
$$;

-- Broadcast claims keep "one SMS per customer per incident" on the keyed hash instead of the number itself.
ALTER TABLE incident_broadcasts DROP CONSTRAINT incident_broadcasts_phone_check;
ALTER TABLE incident_broadcasts RENAME COLUMN phone TO phone_hash;
ALTER TABLE incident_broadcasts ADD CONSTRAINT incident_broadcasts_phone_hash_check
  CHECK (phone_hash ~ '^[0-9a-f]{64}$' OR phone_hash ~ '^\+[1-9][0-9]{6,14}$');
