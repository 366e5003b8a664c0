-- The per-phone intake limit counted inside the intake's one SQL call (issue 12, item 4): under the per-phone advisory
-- lock the function already takes, the phone's requests stored in the hour before this one are counted, so the limit
-- costs no round trip (it was one DynamoDB UpdateItem per intake) and concurrent intakes from one phone cannot both slip
-- under it. A sliding hour of stored requests: refusals, 409 duplicates and replays are not counted. The
-- 0009 function stays for code still deployed from before this migration; nothing calls it afterwards.
CREATE FUNCTION store_emergency_within_limits(new_request jsonb, duplicate_since timestamptz, open_statuses request_status[], legacy_phone text, limit_per_hour integer)
  RETURNS TABLE (outcome text, stored emergency_requests)
  LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  hour_before timestamptz := (new_request->>'created_at')::timestamptz - interval '1 hour';
  freed_by emergency_requests;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(new_request->>'phone_hash', 0));
  -- A retry of this very request, or an open one from the phone in the duplicate window: as migration 0009.
  RETURN QUERY
    SELECT CASE WHEN r.id = (new_request->>'id')::uuid THEN 'replayed' ELSE 'duplicate' END::text, r
      FROM emergency_requests r
     WHERE r.id = (new_request->>'id')::uuid
        OR ((r.phone_hash = new_request->>'phone_hash' OR r.phone = legacy_phone) AND r.created_at >= duplicate_since AND r.status = ANY (open_statuses))
     ORDER BY (r.id = (new_request->>'id')::uuid) DESC, r.created_at DESC
     LIMIT 1;
  IF FOUND THEN
    RETURN;
  END IF;
  -- Over the limit: the answer carries the request whose hour ends first among the last `limit_per_hour`, since a
  -- slot frees when it does (the caller turns it into Retry-After).
  SELECT r.* INTO freed_by
    FROM emergency_requests r
   WHERE (r.phone_hash = new_request->>'phone_hash' OR r.phone = legacy_phone) AND r.created_at > hour_before
   ORDER BY r.created_at DESC
  OFFSET greatest(limit_per_hour - 1, 0)
   LIMIT 1;
  IF FOUND THEN
    RETURN QUERY SELECT 'rate-limited'::text, freed_by;
    RETURN;
  END IF;
  RETURN QUERY
    INSERT INTO emergency_requests AS n (id, reference, customer_name, phone_hash, phone_sealed, latitude, longitude, geohash, address, postcode,
                                         vehicle_make_model, vehicle_registration, issue, on_motorway, vulnerable_occupants, notes, priority,
                                         created_at, sla_deadline, tracking_token_hash, is_test)
    SELECT id, reference, customer_name, phone_hash, phone_sealed, latitude, longitude, geohash, address, postcode,
           vehicle_make_model, vehicle_registration, issue, on_motorway, vulnerable_occupants, notes, priority,
           created_at, sla_deadline, tracking_token_hash, is_test
      FROM jsonb_populate_record(NULL::emergency_requests, new_request)
    RETURNING 'created'::text, n;
END
$$;
