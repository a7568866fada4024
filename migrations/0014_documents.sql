-- Closing documents (issue 12): each made once from the committed state of the event that
-- causes it, numbered without gaps per series and year, stored with its SHA-256 and never
-- changed afterwards; then sent to the buyer by EDO or post.

-- What the documents need to know of the parties beyond INN/KPP.
ALTER TABLE clients ADD COLUMN address text NOT NULL DEFAULT '' CHECK (length(address) <= 1000);
ALTER TABLE clients ADD COLUMN edo_id text CHECK (edo_id ~ '^[0-9A-Za-z-]{4,46}$');
-- How the client takes its originals: 'edo' (needs edo_id), 'post' (needs postal_address), or
-- 'none' (it downloads them from the hosted page).
ALTER TABLE clients ADD COLUMN document_delivery text NOT NULL DEFAULT 'none'
  CHECK (document_delivery IN ('none', 'edo', 'post'));
ALTER TABLE clients ADD COLUMN postal_address text NOT NULL DEFAULT '' CHECK (length(postal_address) <= 1000);
ALTER TABLE clients ADD CONSTRAINT clients_delivery_complete CHECK (
  (document_delivery <> 'edo' OR edo_id IS NOT NULL) AND (document_delivery <> 'post' OR postal_address <> ''));

-- Gapless per series and year; the row is locked by the issuing transaction until commit, and
-- a document that cannot be made rolls its number back.
CREATE TABLE document_counters (
  series text NOT NULL,
  year   integer NOT NULL,
  last   integer NOT NULL,
  PRIMARY KEY (series, year)
);

CREATE TABLE documents (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id   uuid NOT NULL REFERENCES merchants (id),
  booking_id    uuid REFERENCES bookings (id),
  client_id     uuid REFERENCES clients (id),
  payout_id     uuid REFERENCES payouts (id),
  kind          text NOT NULL CHECK (kind IN ('invoice', 'upd', 'receipt', 'correction', 'commission')),
  -- What the document is of; one document per source whatever delivers its event twice:
  -- invoice:<id>, upd:<booking>:<price version>, receipt:<booking>:<ticket>, correction:<refund>,
  -- commission:<payout>.
  source        text NOT NULL UNIQUE,
  series        text NOT NULL,
  year          integer NOT NULL,
  number        text NOT NULL UNIQUE,
  language      text NOT NULL CHECK (language IN ('ru', 'en')),
  currency      char(3) NOT NULL,
  total_minor   bigint NOT NULL,
  vat_minor     bigint NOT NULL,
  issued_at     timestamptz NOT NULL,
  event_seq     bigint,                       -- the outbox event it was made from
  corrects      uuid REFERENCES documents (id),
  facts         jsonb NOT NULL,               -- the data bound into it
  pdf           bytea NOT NULL,
  pdf_sha256    text NOT NULL CHECK (pdf_sha256 ~ '^[0-9a-f]{64}$'),
  xml           bytea,                        -- the tax service's XML (windows-1251)
  xml_sha256    text CHECK (xml_sha256 ~ '^[0-9a-f]{64}$'),
  xml_file_name text,
  CHECK ((xml IS NULL) = (xml_sha256 IS NULL) AND (xml IS NULL) = (xml_file_name IS NULL))
);
CREATE INDEX documents_merchant_issued ON documents (merchant_id, issued_at, id);
CREATE INDEX documents_booking ON documents (booking_id, issued_at);

-- A document is never changed: a change makes a correction.
CREATE FUNCTION documents_are_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'document %: issued documents are never changed or deleted; issue a correction', OLD.number
    USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER documents_final BEFORE UPDATE OR DELETE ON documents
  FOR EACH ROW EXECUTE FUNCTION documents_are_final();

-- Events whose documents are made; the job walks the outbox in order.
ALTER TABLE outbox ADD COLUMN documented_at timestamptz;
-- Events before this migration made no documents, and will not.
UPDATE outbox SET documented_at = created_at;
CREATE INDEX outbox_undocumented ON outbox (id) WHERE documented_at IS NULL;

-- A document that could not be made from the data (a client with no KPP, a currency the УПД
-- cannot state): its support case says why; staff retry it once the data is fixed.
CREATE TABLE document_blocks (
  source      text PRIMARY KEY,
  merchant_id uuid NOT NULL REFERENCES merchants (id),
  booking_id  uuid REFERENCES bookings (id),
  kind        text NOT NULL,
  event_seq   bigint NOT NULL,
  request     jsonb NOT NULL,               -- {kind, subject}: what to issue when retried
  problems    jsonb NOT NULL,
  case_id     uuid REFERENCES support_cases (id),
  created_at  timestamptz NOT NULL
);

-- Sending a document to its buyer: by EDO (through an operator) or as a printed original.
-- edo:  queued -> sent -> delivered -> signed | refused;  failed after the operator kept refusing
-- post: queued -> posted (with its tracking number)
CREATE TABLE document_dispatches (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  document_id     uuid NOT NULL REFERENCES documents (id),
  merchant_id     uuid NOT NULL REFERENCES merchants (id),
  channel         text NOT NULL CHECK (channel IN ('edo', 'post')),
  operator        text,                   -- edo: the operator's name
  recipient       text NOT NULL,          -- edo: the buyer's EDO id; post: the postal address
  status          text NOT NULL CHECK (status IN ('queued', 'sent', 'delivered', 'signed', 'refused', 'failed', 'posted')),
  external_id     text,                   -- the operator's id of the message
  tracking_number text,
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  lease_until     timestamptz,
  last_error      text,
  history         jsonb NOT NULL DEFAULT '[]'::jsonb,  -- [{status, at, note}]
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  UNIQUE (document_id, channel)
);
CREATE INDEX document_dispatches_due ON document_dispatches (next_attempt_at) WHERE status = 'queued' AND channel = 'edo';
CREATE INDEX document_dispatches_open ON document_dispatches (status) WHERE status IN ('sent', 'delivered');
CREATE INDEX document_dispatches_post ON document_dispatches (created_at) WHERE channel = 'post' AND status = 'queued';

ALTER TABLE support_cases DROP CONSTRAINT IF EXISTS support_cases_type_check;
ALTER TABLE support_cases ADD CONSTRAINT support_cases_type_check CHECK (type IN (
  'ticketing_failed', 'price_change_after_guarantee', 'choice_after_expiry',
  'underpayment', 'overpayment', 'payment_for_closed_booking',
  'refund_at_risk', 'refund_failed', 'payout_failed',
  'document_blocked', 'document_refused', 'document_undeliverable'));
