-- Bookings posted by airlines' booking engines, their price versions, and the invoices issued
-- for them.

CREATE TABLE bookings (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id          uuid NOT NULL REFERENCES merchants (id),
  reference            text NOT NULL CHECK (length(reference) BETWEEN 1 AND 256),
  pnr                  text NOT NULL,
  client_id            uuid NOT NULL REFERENCES clients (id),
  contact_email        text NOT NULL,
  passengers           jsonb NOT NULL,
  segments             jsonb NOT NULL,
  currency             char(3) NOT NULL,
  ticketing_time_limit timestamptz NOT NULL,
  status               text NOT NULL DEFAULT 'pending' CHECK (status IN (
                         'pending', 'awaiting_payment', 'ticketing_authorized', 'paid', 'ticketed',
                         'cancelled', 'expired', 'ticketing_failed')),
  payment_method       text,
  price_version        integer NOT NULL DEFAULT 1,
  pay_token            text NOT NULL UNIQUE,
  metadata             jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL,
  UNIQUE (merchant_id, reference)
);
CREATE INDEX bookings_merchant_created ON bookings (merchant_id, created_at, id);
CREATE INDEX bookings_open_by_tl ON bookings (ticketing_time_limit) WHERE status = 'pending' OR status = 'awaiting_payment';

-- Every price a booking had; lines are kept per version.
CREATE TABLE booking_price_versions (
  booking_id   uuid NOT NULL REFERENCES bookings (id),
  version      integer NOT NULL,
  amount_minor bigint NOT NULL CHECK (amount_minor > 0),
  vat_minor    bigint NOT NULL,
  created_at   timestamptz NOT NULL,
  PRIMARY KEY (booking_id, version)
);

CREATE TABLE booking_lines (
  booking_id   uuid NOT NULL,
  version      integer NOT NULL,
  position     integer NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('fare', 'tax', 'fee', 'service', 'penalty')),
  description  text NOT NULL,
  passenger    integer,
  amount_minor bigint NOT NULL CHECK (amount_minor > 0),
  vat_rate     text NOT NULL CHECK (vat_rate IN ('22', '20', '10', '0', 'none')),
  vat_minor    bigint NOT NULL,
  emd          text,
  PRIMARY KEY (booking_id, version, position),
  FOREIGN KEY (booking_id, version) REFERENCES booking_price_versions (booking_id, version)
);

-- Gapless invoice numbers per merchant and year: the row is locked by the issuing transaction
-- and a rollback gives the number back.
CREATE TABLE invoice_counters (
  merchant_id uuid NOT NULL REFERENCES merchants (id),
  year        integer NOT NULL,
  last        integer NOT NULL,
  PRIMARY KEY (merchant_id, year)
);

CREATE TABLE invoices (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id   uuid NOT NULL REFERENCES merchants (id),
  booking_id    uuid NOT NULL REFERENCES bookings (id),
  client_id     uuid NOT NULL REFERENCES clients (id),
  number        text NOT NULL,
  price_version integer NOT NULL,
  method        text NOT NULL,
  currency      char(3) NOT NULL,
  amount_minor  bigint NOT NULL CHECK (amount_minor > 0),
  vat_minor     bigint NOT NULL,
  status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paid', 'partially_paid', 'void', 'overdue')),
  issued_at     timestamptz NOT NULL,
  due_at        timestamptz NOT NULL,
  voided_at     timestamptz,
  UNIQUE (merchant_id, number),
  FOREIGN KEY (booking_id, price_version) REFERENCES booking_price_versions (booking_id, version)
);
CREATE INDEX invoices_booking ON invoices (booking_id);
CREATE INDEX invoices_merchant_issued ON invoices (merchant_id, issued_at, id);
-- At most one open invoice per booking.
CREATE UNIQUE INDEX invoices_one_open ON invoices (booking_id) WHERE status = 'open';
