-- Payments by bank transfer (issue 5): imported statements, their documents, what each
-- payment paid, and the reconciliation queue for what could not be matched for sure.

-- Money that arrived at the gateway's bank and is not yet anybody's: the gateway's
-- `unallocated` account. Recreate the account checks to allow it.
DO $$
DECLARE c record;
BEGIN
  FOR c IN SELECT conname FROM pg_constraint WHERE conrelid = 'ledger_accounts'::regclass AND contype = 'c' LOOP
    EXECUTE format('ALTER TABLE ledger_accounts DROP CONSTRAINT %I', c.conname);
  END LOOP;
END $$;
ALTER TABLE ledger_accounts
  ADD CONSTRAINT ledger_accounts_owner CHECK (owner IN ('client', 'merchant', 'gateway')),
  ADD CONSTRAINT ledger_accounts_kind CHECK (kind IN ('receivable', 'credit_receivable', 'deposit', 'payable', 'bank', 'unallocated')),
  ADD CONSTRAINT ledger_accounts_currency CHECK (currency ~ '^[A-Z]{3}$'),
  ADD CONSTRAINT ledger_accounts_gateway_has_no_owner CHECK ((owner = 'gateway') = (owner_id IS NULL)),
  ADD CONSTRAINT ledger_accounts_kind_of_owner CHECK (CASE owner
    WHEN 'client'   THEN kind IN ('receivable', 'credit_receivable', 'deposit')
    WHEN 'merchant' THEN kind = 'payable'
    WHEN 'gateway'  THEN kind IN ('bank', 'unallocated')
  END);

CREATE TABLE bank_statements (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  format        text NOT NULL CHECK (format IN ('1c', 'camt.053')),
  sha256        text NOT NULL UNIQUE,   -- the same file twice is one import
  account       text NOT NULL,
  encoding      text NOT NULL,
  period_from   date,
  period_to     date,
  imported_by   text NOT NULL,
  summary       jsonb NOT NULL,         -- what the import did, as the API answered
  created_at    timestamptz NOT NULL
);

-- One bank document (a payment order): recorded once whichever file brings it.
CREATE TABLE bank_documents (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq            bigserial NOT NULL UNIQUE,  -- import order: the queue lists documents as the files had them
  statement_id   uuid NOT NULL REFERENCES bank_statements (id),
  doc_key        text NOT NULL UNIQUE,  -- number|date|payer account|amount|direction
  direction      text NOT NULL CHECK (direction IN ('incoming', 'outgoing')),
  number         text NOT NULL,
  doc_date       date NOT NULL,
  value_date     date,
  amount_minor   bigint NOT NULL CHECK (amount_minor > 0),
  currency       char(3) NOT NULL,
  payer_name     text NOT NULL DEFAULT '',
  payer_inn      text NOT NULL DEFAULT '',
  payer_account  text NOT NULL DEFAULT '',
  payer_bic      text NOT NULL DEFAULT '',
  payee_name     text NOT NULL DEFAULT '',
  payee_inn      text NOT NULL DEFAULT '',
  payee_account  text NOT NULL DEFAULT '',
  purpose        text NOT NULL DEFAULT '',
  -- matched: paid invoices; deposit: topped up a deposit; reconciliation: waits for staff;
  -- unrelated: staff said it is not a client's payment; outgoing: the gateway's own payment.
  status         text NOT NULL CHECK (status IN ('matched', 'deposit', 'reconciliation', 'unrelated', 'outgoing')),
  candidates     jsonb NOT NULL DEFAULT '[]'::jsonb,  -- ranked, with reasons (reconciliation)
  match_note     text NOT NULL DEFAULT '',
  created_at     timestamptz NOT NULL,
  resolved_at    timestamptz,
  resolved_by    text
);
CREATE INDEX bank_documents_by_status ON bank_documents (status, seq);
CREATE INDEX bank_documents_statement ON bank_documents (statement_id);

-- What a payment paid: one row per invoice it went to (a split makes several).
CREATE TABLE payments (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id      uuid NOT NULL REFERENCES merchants (id),
  invoice_id       uuid NOT NULL REFERENCES invoices (id),
  booking_id       uuid NOT NULL REFERENCES bookings (id),
  client_id        uuid NOT NULL REFERENCES clients (id),
  method           text NOT NULL CHECK (method IN ('transfer', 'card', 'deposit')),
  bank_document_id uuid REFERENCES bank_documents (id),
  reference        text NOT NULL DEFAULT '',  -- card payment id, deposit entry
  amount_minor     bigint NOT NULL CHECK (amount_minor > 0),
  applied_minor    bigint NOT NULL CHECK (applied_minor >= 0),  -- to the invoice; the rest went to the deposit
  currency         char(3) NOT NULL,
  created_at       timestamptz NOT NULL
);
CREATE INDEX payments_invoice ON payments (invoice_id);
CREATE INDEX payments_merchant_created ON payments (merchant_id, created_at);

ALTER TABLE invoices ADD COLUMN paid_minor bigint NOT NULL DEFAULT 0 CHECK (paid_minor >= 0);
ALTER TABLE invoices ADD COLUMN paid_at timestamptz;
-- Reminders of a credit-line invoice already sent: 'before' (3 days ahead), 'due', 'after'.
ALTER TABLE invoices ADD COLUMN reminders text[] NOT NULL DEFAULT '{}';
UPDATE invoices SET paid_minor = amount_minor, paid_at = issued_at WHERE status = 'paid';
CREATE INDEX invoices_open_by_client ON invoices (client_id) WHERE status IN ('open', 'partially_paid', 'overdue');
-- Matching looks invoices up by the number in a purpose, and by year and sequence when the
-- prefix is not written ("сч. 123 от 21.11.2026"): "-2026-000123" is the last 12 characters.
CREATE INDEX invoices_number ON invoices (number);
CREATE INDEX invoices_number_year_sequence ON invoices (right(number, 12));

-- A client names this in a transfer's purpose to top up its deposit.
ALTER TABLE clients ADD COLUMN deposit_reference text UNIQUE CHECK (deposit_reference ~ '^DEP-[0-9A-Z]{8}$');

ALTER TABLE support_cases DROP CONSTRAINT IF EXISTS support_cases_type_check;
ALTER TABLE support_cases ADD CONSTRAINT support_cases_type_check CHECK (type IN (
  'ticketing_failed', 'price_change_after_guarantee', 'choice_after_expiry',
  'underpayment', 'overpayment', 'payment_for_closed_booking'));
