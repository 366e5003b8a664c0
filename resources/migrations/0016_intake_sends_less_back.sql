-- The intake's store call no longer sends the new request's row back when it creates one (issue 12, item 4): the
-- caller built that row and holds it, and turning ~45 columns into a composite, sending them and parsing them in node
-- was work on every intake for nothing. A retry, a duplicate or a refusal still gets the stored row, as in 0015.
CREATE OR REPLACE FUNCTION store_emergency_once(new_request jsonb, duplicate_since timestamptz, open_statuses request_status[], legacy_phone text, limit_per_hour integer, replay_since timestamptz)
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
      RETURN QUERY
        SELECT CASE WHEN earlier.request_fingerprint IS DISTINCT FROM new_request->>'request_fingerprint' THEN 'key-reused' ELSE 'replayed' END::text,
               earlier,
               (SELECT a.answer FROM intake_answers a WHERE a.request_id = earlier.id);
      RETURN;
    END IF;
  END IF;
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
  INSERT INTO emergency_requests (id, reference, customer_name, phone_hash, phone_sealed, latitude, longitude, geohash, address, postcode,
                                  vehicle_make_model, vehicle_registration, issue, on_motorway, vulnerable_occupants, notes, priority,
                                  created_at, sla_deadline, tracking_token_hash, is_test, idempotency_key_hash, request_fingerprint, answer_due_by)
  SELECT id, reference, customer_name, phone_hash, phone_sealed, latitude, longitude, geohash, address, postcode,
         vehicle_make_model, vehicle_registration, issue, on_motorway, vulnerable_occupants, notes, priority,
         created_at, sla_deadline, tracking_token_hash, is_test, idempotency_key_hash, request_fingerprint, answer_due_by
    FROM jsonb_populate_record(NULL::emergency_requests, new_request);
  RETURN QUERY SELECT 'created'::text, NULL::emergency_requests, NULL::text;
END
$$;
