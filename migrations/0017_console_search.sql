-- The staff console's bookings search and lists (src/console): one search box over references,
-- PNRs, invoice numbers, clients' INN and names, passengers' names and amounts, and lists sorted
-- by creation, ticketing time limit or amount, paged by keyset, fast with a million bookings.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The passengers' names of a booking as one text ("IVANOV IVAN PETROVICH SMITH JOHN"), for a
-- trigram index and the searches that use it (the same expression, so the index applies).
CREATE FUNCTION console_passenger_names(passengers jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(string_agg(concat_ws(' ', p ->> 'last_name', p ->> 'first_name', p ->> 'middle_name'), ' '), '')
  FROM jsonb_array_elements(CASE WHEN jsonb_typeof(passengers) = 'array' THEN passengers ELSE '[]'::jsonb END) AS p
$$;

-- The amount of the booking's current price version, kept on the booking so that a list sorts
-- and searches by it with an index. Triggers keep it whatever order the writers use: a version
-- inserted for the booking's current version, or the booking moved to a version that exists.
ALTER TABLE bookings ADD COLUMN amount_minor bigint;

CREATE FUNCTION console_amount_from_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE bookings SET amount_minor = NEW.amount_minor
   WHERE id = NEW.booking_id AND price_version = NEW.version
     AND amount_minor IS DISTINCT FROM NEW.amount_minor;
  RETURN NULL;
END $$;
CREATE TRIGGER booking_price_versions_console_amount AFTER INSERT OR UPDATE OF amount_minor ON booking_price_versions
  FOR EACH ROW EXECUTE FUNCTION console_amount_from_version();

CREATE FUNCTION console_amount_of_booking() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR NEW.price_version IS DISTINCT FROM OLD.price_version THEN
    NEW.amount_minor := coalesce(
      (SELECT v.amount_minor FROM booking_price_versions v WHERE v.booking_id = NEW.id AND v.version = NEW.price_version),
      NEW.amount_minor);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER bookings_console_amount BEFORE INSERT OR UPDATE OF price_version ON bookings
  FOR EACH ROW EXECUTE FUNCTION console_amount_of_booking();

UPDATE bookings b SET amount_minor = v.amount_minor
  FROM booking_price_versions v WHERE v.booking_id = b.id AND v.version = b.price_version;

-- Exact keys.
CREATE INDEX bookings_reference ON bookings (reference);
CREATE INDEX bookings_pnr ON bookings (pnr);
CREATE INDEX bookings_client ON bookings (client_id);
CREATE INDEX clients_inn ON clients (inn);
-- invoices (number) exists (0008).

-- Substrings: clients' names and passengers' names.
CREATE INDEX clients_name_trgm ON clients USING gin (name gin_trgm_ops);
CREATE INDEX bookings_passenger_names_trgm ON bookings USING gin (console_passenger_names(passengers) gin_trgm_ops);

-- The sorts, gateway-wide and per airline; the id breaks ties and carries the keyset cursor.
-- (merchant_id, created_at, id) exists (0004).
CREATE INDEX bookings_created ON bookings (created_at, id);
CREATE INDEX bookings_tl ON bookings (ticketing_time_limit, id);
CREATE INDEX bookings_merchant_tl ON bookings (merchant_id, ticketing_time_limit, id);
CREATE INDEX bookings_amount ON bookings (amount_minor, id);
CREATE INDEX bookings_merchant_amount ON bookings (merchant_id, amount_minor, id);

-- Today: open cases, failed payouts, webhook endpoints in trouble.
CREATE INDEX support_cases_open ON support_cases (created_at) WHERE status = 'open';
CREATE INDEX support_cases_booking ON support_cases (booking_id);
CREATE INDEX payouts_failed ON payouts (failed_at) WHERE status = 'failed';
