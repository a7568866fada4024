-- Money that reached the gateway's account for nobody (a transfer staff set aside as unrelated,
-- or one still in the reconciliation queue) sent back to whoever paid it, by payment order.
ALTER TABLE bank_documents DROP CONSTRAINT IF EXISTS bank_documents_status_check;
ALTER TABLE bank_documents ADD CONSTRAINT bank_documents_status_check
  CHECK (status IN ('matched', 'deposit', 'reconciliation', 'unrelated', 'outgoing', 'returned'));

-- created -> exported -> sent -> succeeded (the statement shows it leaving) | failed.
CREATE TABLE bank_returns (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  bank_document_id uuid NOT NULL REFERENCES bank_documents (id),
  amount_minor     bigint NOT NULL CHECK (amount_minor > 0),
  currency         char(3) NOT NULL,
  payee            jsonb NOT NULL,
  reason           text NOT NULL,
  status           text NOT NULL DEFAULT 'created' CHECK (status IN ('created', 'exported', 'sent', 'succeeded', 'failed')),
  order_number     text,
  export_id        uuid REFERENCES payment_order_exports (id),
  confirmed_by     uuid REFERENCES bank_documents (id),  -- the outgoing document that showed it leaving
  failure_reason   text,
  created_by       text NOT NULL,
  created_at       timestamptz NOT NULL,
  finished_at      timestamptz
);
-- One return in flight (or done) per document; a failed one may be tried again.
CREATE UNIQUE INDEX bank_returns_one_per_document ON bank_returns (bank_document_id) WHERE status <> 'failed';
CREATE INDEX bank_returns_open ON bank_returns (status) WHERE status IN ('created', 'exported', 'sent');
