-- Intake in one round trip (issue 12, item 4): the per-phone lock, the retry/duplicate check and the insert, which were
-- five statements (BEGIN, lock, SELECT, INSERT, COMMIT), are one call. It is a function rather than one CTE because a
-- single statement reads from the snapshot taken when it began, before it waited for the lock, so it would miss the row
-- the call that held the lock had just committed. Inside a VOLATILE function each statement takes a fresh snapshot
-- (READ COMMITTED): the check after the lock sees that row, exactly as the separate statements did.
CREATE FUNCTION store_emergency_unless_duplicate(new_request jsonb, duplicate_since timestamptz, open_statuses request_status[], legacy_phone text)
  RETURNS TABLE (outcome text, stored emergency_requests)
  LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
  -- Serialises intake per phone (keyed hash) until the caller's transaction ends; the same key as before this migration.
  PERFORM pg_advisory_xact_lock(hashtextextended(new_request->>'phone_hash', 0));
  RETURN QUERY
    -- This very request stored already (a retry), else the phone's latest open request in the window; rows stored
    -- before migration 0006 and not yet converted still hold the plain number.
    WITH existing AS (
      SELECT r FROM emergency_requests r
       WHERE r.id = (new_request->>'id')::uuid
          OR ((r.phone_hash = new_request->>'phone_hash' OR r.phone = legacy_phone) AND r.created_at >= duplicate_since AND r.status = ANY (open_statuses))
       ORDER BY (r.id = (new_request->>'id')::uuid) DESC, r.created_at DESC
       LIMIT 1
    ), inserted AS (
      INSERT INTO emergency_requests AS n (id, reference, customer_name, phone_hash, phone_sealed, latitude, longitude, geohash, address, postcode,
                                           vehicle_make_model, vehicle_registration, issue, on_motorway, vulnerable_occupants, notes, priority,
                                           created_at, sla_deadline, tracking_token_hash, is_test)
      SELECT id, reference, customer_name, phone_hash, phone_sealed, latitude, longitude, geohash, address, postcode,
             vehicle_make_model, vehicle_registration, issue, on_motorway, vulnerable_occupants, notes, priority,
             created_at, sla_deadline, tracking_token_hash, is_test
        FROM jsonb_populate_record(NULL::emergency_requests, new_request)
       WHERE NOT EXISTS (SELECT FROM existing)
      RETURNING n
    )
    SELECT CASE WHEN (e.r).id = (new_request->>'id')::uuid THEN 'replayed' ELSE 'duplicate' END, e.r FROM existing e
    UNION ALL
    SELECT 'created', i.n FROM inserted i;
END
$$;
