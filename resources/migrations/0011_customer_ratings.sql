-- The customer's rating of a completed job (1–5, an optional comment), once; CustomerSatisfaction averages them.
ALTER TABLE emergency_requests
  ADD COLUMN rating smallint CHECK (rating BETWEEN 1 AND 5),
  -- Free text from the customer: personal data, erased with the rest of the request (below and personal-data.ts).
  ADD COLUMN rating_comment text,
  ADD COLUMN rated_at timestamptz,
  ADD CONSTRAINT emergency_requests_rating_whole CHECK ((rating IS NULL) = (rated_at IS NULL));

-- Customer satisfaction over a window, from the index alone.
CREATE INDEX emergency_requests_ratings_idx
  ON emergency_requests (rated_at) INCLUDE (rating)
  WHERE rated_at IS NOT NULL AND NOT is_test;

-- The audit trail's copy of a request is scrubbed as the row is: the rating's comment goes too (the score stays,
-- like the figures built from it).
CREATE OR REPLACE FUNCTION anonymised_request_json(row_json jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN row_json IS NULL THEN NULL ELSE row_json || jsonb_build_object(
    'customer_name', 'erased',
    'phone', NULL,
    'phone_hash', NULL,
    'phone_sealed', NULL,
    'postcode', NULL,
    'address', NULL,
    'notes', NULL,
    'rating_comment', NULL,
    'vehicle_registration', NULL,
    'latitude', round((row_json->>'latitude')::numeric, 2),
    'longitude', round((row_json->>'longitude')::numeric, 2),
    'geohash', left(row_json->>'geohash', 6)
  ) END
$$;
