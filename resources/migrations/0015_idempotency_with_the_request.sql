-- Idempotency-Key replay kept with the request itself (issue 12, item 4): the key's hash, the request's fingerprint and
-- when the first attempt must have answered are stored by the intake's one SQL call, and its first answer in
-- intake_answers. This replaces Powertools' DynamoDB records, which cost every intake a PutItem before and an
-- UpdateItem after (two of its five DynamoDB calls). The 0012 function stays for code still deployed from before this
-- migration; nothing calls it afterwards.
ALTER TABLE emergency_requests
  ADD COLUMN idempotency_key_hash text,
  ADD COLUMN request_fingerprint text,
  ADD COLUMN answer_due_by timestamptz;

-- Only requests sent with a key are in it; a retry looks its key up within the replay window, newest first.
CREATE INDEX emergency_requests_idempotency_key_idx ON emergency_requests (idempotency_key_hash, created_at DESC) WHERE idempotency_key_hash IS NOT NULL;

-- The answer a retry gets back, byte for byte: the response body as first sent, its tracking token left out (only the
-- token's hash is ever stored; a replay derives the token again from the id). Kept apart from emergency_requests so
-- storing it neither rewrites the request's row nor adds a line to its audit trail: it is not a change of state.
CREATE TABLE intake_answers (
  request_id uuid PRIMARY KEY REFERENCES emergency_requests (id) ON DELETE CASCADE,
  answer text NOT NULL,
  answered_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION store_emergency_once(new_request jsonb, duplicate_since timestamptz, open_statuses request_status[], legacy_phone text, limit_per_hour integer, replay_since timestamptz)
  RETURNS TABLE (outcome text, stored emergency_requests, first_answer text)
  LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  key_hash text := new_request->>'idempotency_key_hash';
  hour_before timestamptz := (new_request->>'created_at')::timestamptz - interval '1 hour';
  earlier emergency_requests;
  freed_by emergency_requests;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(new_request->>'phone_hash', 0));
  IF key_hash IS NOT NULL THEN
    -- The same key sent from two phones at once is serialised too. Always the phone's lock first, then the key's, so
    -- two calls can never each hold what the other waits for.
    PERFORM pg_advisory_xact_lock(hashtextextended(key_hash, 1));
    SELECT r.* INTO earlier
      FROM emergency_requests r
     WHERE r.idempotency_key_hash = key_hash AND r.created_at >= replay_since
     ORDER BY r.created_at DESC
     LIMIT 1;
    IF FOUND THEN
      -- A retry: its first answer if it gave one. The same key with another request is refused, and gets nothing back.
      RETURN QUERY
        SELECT CASE WHEN earlier.request_fingerprint IS DISTINCT FROM new_request->>'request_fingerprint' THEN 'key-reused' ELSE 'replayed' END::text,
               earlier,
               (SELECT a.answer FROM intake_answers a WHERE a.request_id = earlier.id);
      RETURN;
    END IF;
  END IF;
  -- A row with this id (a retry without a stored key, e.g. drained from the intake buffer), or an open request from
  -- the phone in the duplicate window: as migration 0012.
  RETURN QUERY
    SELECT CASE WHEN r.id = (new_request->>'id')::uuid THEN 'replayed' ELSE 'duplicate' END::text, r,
           (SELECT a.answer FROM intake_answers a WHERE a.request_id = r.id)
      FROM emergency_requests r
     WHERE r.id = (new_request->>'id')::uuid
        OR ((r.phone_hash = new_request->>'phone_hash' OR r.phone = legacy_phone) AND r.created_at >= duplicate_since AND r.status = ANY (open_statuses))
     ORDER BY (r.id = (new_request->>'id')::uuid) DESC, r.created_at DESC
     LIMIT 1;
  IF FOUND THEN
    RETURN;
  END IF;
  SELECT r.* INTO freed_by
    FROM emergency_requests r
   WHERE (r.phone_hash = new_request->>'phone_hash' OR r.phone = legacy_phone) AND r.created_at > hour_before
   ORDER BY r.created_at DESC
  OFFSET greatest(limit_per_hour - 1, 0)
   LIMIT 1;
  IF FOUND THEN
    RETURN QUERY SELECT 'rate-limited'::text, freed_by, NULL::text;
    RETURN;
  END IF;
  RETURN QUERY
    INSERT INTO emergency_requests AS n (id, reference, customer_name, phone_hash, phone_sealed, latitude, longitude, geohash, address, postcode,
                                         vehicle_make_model, vehicle_registration, issue, on_motorway, vulnerable_occupants, notes, priority,
                                         created_at, sla_deadline, tracking_token_hash, is_test, idempotency_key_hash, request_fingerprint, answer_due_by)
    SELECT id, reference, customer_name, phone_hash, phone_sealed, latitude, longitude, geohash, address, postcode,
           vehicle_make_model, vehicle_registration, issue, on_motorway, vulnerable_occupants, notes, priority,
           created_at, sla_deadline, tracking_token_hash, is_test, idempotency_key_hash, request_fingerprint, answer_due_by
      FROM jsonb_populate_record(NULL::emergency_requests, new_request)
    RETURNING 'created'::text, n, NULL::text;
END
$$;
