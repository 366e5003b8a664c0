-- The SMS cap per destination counted in the record of customer messages (issue 12, item 4): every customer SMS is
-- recorded in customer_notifications anyway, so the guard records it BEFORE sending, in one call that takes a
-- per-destination advisory lock, counts that number's messages in the hour before and records this one only under the
-- cap. That replaces one DynamoDB UpdateItem per customer SMS with the INSERT the guard already made, and concurrent
-- sends to one number cannot both slip under the cap. Returns the new row's id (the guard deletes it if the send then
-- fails), or NULL when the cap is reached (nothing recorded, nothing sent).
CREATE FUNCTION record_customer_sms_within_cap(p_request_id uuid, p_phone_hash text, p_purpose text, p_message text, p_sent_at timestamptz, p_cap integer)
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  recorded bigint;
BEGIN
  -- Not the intake's per-phone key: an SMS must never wait on an intake from the same number, nor the reverse.
  PERFORM pg_advisory_xact_lock(hashtextextended('sms#' || p_phone_hash, 0));
  IF (SELECT count(*) FROM customer_notifications WHERE phone_hash = p_phone_hash AND sent_at > p_sent_at - interval '1 hour') >= p_cap THEN
    RETURN NULL;
  END IF;
  INSERT INTO customer_notifications (request_id, phone_hash, purpose, message, sent_at)
  VALUES (p_request_id, p_phone_hash, p_purpose, p_message, p_sent_at)
  RETURNING notification_id INTO recorded;
  RETURN recorded;
END
$$;
