-- Pay links (issue 13): the token in /pay/{token} expires and can be revoked or rotated.
-- A link lives until 30 days after the booking's ticketing time limit: long enough for the
-- client's accountant to fetch the closing documents issued after ticketing, short enough
-- that an old e-mail stops opening the booking. A rotation sets it anew from its own time.
ALTER TABLE bookings ADD COLUMN pay_token_expires_at timestamptz;
UPDATE bookings SET pay_token_expires_at = ticketing_time_limit + interval '30 days';
ALTER TABLE bookings ALTER COLUMN pay_token_expires_at SET NOT NULL;
ALTER TABLE bookings ADD COLUMN pay_token_revoked_at timestamptz;

-- Every writer of bookings (the service, the benchmarks' pgbench scripts) gets the default.
CREATE FUNCTION bookings_pay_token_expiry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.pay_token_expires_at IS NULL THEN
    NEW.pay_token_expires_at := NEW.ticketing_time_limit + interval '30 days';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER bookings_pay_token_expiry BEFORE INSERT ON bookings
  FOR EACH ROW EXECUTE FUNCTION bookings_pay_token_expiry();

-- Tokens replaced by a rotation: kept so that an old link answers "revoked" (410), not
-- "unknown" (404).
CREATE TABLE pay_tokens_retired (
  token      text PRIMARY KEY,
  booking_id uuid NOT NULL REFERENCES bookings (id),
  revoked_at timestamptz NOT NULL
);
CREATE INDEX pay_tokens_retired_booking ON pay_tokens_retired (booking_id);
