-- Settlement to airlines (payouts on the next business day) and refunds to clients (issue 6).

-- The gateway's commission earned (`fees`) and money ordered out of the bank that the bank has
-- not yet shown leaving it (`outgoing`: payouts, refunds by transfer or card).
ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_kind, DROP CONSTRAINT ledger_accounts_kind_of_owner;
ALTER TABLE ledger_accounts
  ADD CONSTRAINT ledger_accounts_kind CHECK (kind IN ('receivable', 'credit_receivable', 'deposit', 'payable', 'bank',
                                                      'unallocated', 'fees', 'outgoing')),
  ADD CONSTRAINT ledger_accounts_kind_of_owner CHECK (CASE owner
    WHEN 'client'   THEN kind IN ('receivable', 'credit_receivable', 'deposit')
    WHEN 'merchant' THEN kind = 'payable'
    WHEN 'gateway'  THEN kind IN ('bank', 'unallocated', 'fees', 'outgoing')
  END);

-- A guaranteed invoice owed the airline its amount when the guarantee was given; its payment
-- later repays the guarantee instead. credited_minor: refunded before it was paid (the client
-- owes that much less); refunded_minor: every refund of it.
ALTER TABLE invoices ADD COLUMN guaranteed boolean NOT NULL DEFAULT false;
ALTER TABLE invoices ADD COLUMN credited_minor bigint NOT NULL DEFAULT 0 CHECK (credited_minor >= 0);
ALTER TABLE invoices ADD COLUMN refunded_minor bigint NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0);
UPDATE invoices SET guaranteed = true WHERE method IN ('credit_line', 'deposit');

-- Gapless numbers of the gateway's outgoing payment orders per year (1C allows 6 digits).
CREATE TABLE payment_order_counters (
  year integer PRIMARY KEY,
  last integer NOT NULL CHECK (last BETWEEN 0 AND 999999)
);

-- Payment orders handed to the bank together (payouts and refunds by transfer); the file is
-- rendered from `orders` in 1C or CSV on download, so both formats always agree.
CREATE TABLE payment_order_exports (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  orders     jsonb NOT NULL,
  count      integer NOT NULL CHECK (count > 0),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  sent_by    text,
  sent_at    timestamptz
);

-- What an airline is paid on one business day in one currency.
-- created -> exported (in a payment-order file) -> sent (staff gave it to the bank) ->
-- confirmed (the gateway's outgoing payment seen in a bank statement) | failed.
CREATE TABLE payouts (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id      uuid NOT NULL REFERENCES merchants (id),
  currency         char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  business_day     date NOT NULL,         -- the day whose cut-off closed it
  cutoff_at        timestamptz NOT NULL,  -- money owed before this instant is in it
  due_on           date NOT NULL,         -- the next business day: when the airline must have it
  status           text NOT NULL DEFAULT 'created' CHECK (status IN ('created', 'exported', 'sent', 'confirmed', 'failed')),
  payments_minor   bigint NOT NULL,       -- owed for payments and guarantees
  refunds_minor    bigint NOT NULL,       -- taken back for refunds, released guarantees, failures (>= 0)
  fees_minor       bigint NOT NULL CHECK (fees_minor >= 0),
  net_minor        bigint NOT NULL CHECK (net_minor > 0),
  items            integer NOT NULL,
  payee            jsonb NOT NULL,        -- the airline's requisites when it was made
  order_number     text,
  export_id        uuid REFERENCES payment_order_exports (id),
  bank_document_id uuid REFERENCES bank_documents (id),
  ledger_entry_id  bigint NOT NULL REFERENCES ledger_entries (id),
  failure_reason   text,
  created_by       text NOT NULL,
  created_at       timestamptz NOT NULL,
  exported_at      timestamptz,
  sent_at          timestamptz,
  confirmed_at     timestamptz,
  failed_at        timestamptz,
  CHECK (net_minor = payments_minor - refunds_minor - fees_minor),
  UNIQUE (merchant_id, currency, business_day)
);
CREATE INDEX payouts_merchant_day ON payouts (merchant_id, business_day DESC);
CREATE INDEX payouts_open ON payouts (status) WHERE status IN ('created', 'exported', 'sent');

-- A refund of (part of) a booking's invoice: one or more legs, each going back the way its
-- money came.
CREATE TABLE refunds (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id    uuid NOT NULL REFERENCES merchants (id),
  booking_id     uuid NOT NULL REFERENCES bookings (id),
  invoice_id     uuid NOT NULL REFERENCES invoices (id),
  client_id      uuid NOT NULL REFERENCES clients (id),
  currency       char(3) NOT NULL,
  amount_minor   bigint NOT NULL CHECK (amount_minor > 0),   -- back to the client
  penalty_minor  bigint NOT NULL CHECK (penalty_minor >= 0), -- kept by the airline
  lines          jsonb NOT NULL,   -- the booking lines refunded, as priced
  penalties      jsonb NOT NULL,   -- [{description, amount}]
  reason         text NOT NULL,
  status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
  deadline_at    timestamptz NOT NULL,  -- the end of the 2nd business day after acceptance
  at_risk_at     timestamptz,           -- when staff were told it may miss its deadline
  created_by     text NOT NULL,
  created_at     timestamptz NOT NULL,
  finished_at    timestamptz
);
CREATE INDEX refunds_booking ON refunds (booking_id, created_at);
CREATE INDEX refunds_pending ON refunds (deadline_at) WHERE status = 'pending';

-- receivable / credit_line: taken off what the client still owes (no money moves);
-- deposit: back to the client's deposit; card: the acquirer's refund of a capture;
-- transfer: a payment order to the account the money came from.
-- created -> (card: sending under a lease) -> (transfer: exported -> sent) -> succeeded | failed.
CREATE TABLE refund_legs (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  refund_id        uuid NOT NULL REFERENCES refunds (id),
  route            text NOT NULL CHECK (route IN ('receivable', 'credit_line', 'deposit', 'card', 'transfer')),
  amount_minor     bigint NOT NULL CHECK (amount_minor > 0),
  payment_id       uuid REFERENCES payments (id),   -- card and transfer: the payment refunded
  status           text NOT NULL CHECK (status IN ('created', 'sending', 'exported', 'sent', 'succeeded', 'failed')),
  payee            jsonb,                           -- transfer: the payer's requisites
  order_number     text,
  export_id        uuid REFERENCES payment_order_exports (id),
  bank_document_id uuid REFERENCES bank_documents (id),
  lease_until      timestamptz,
  attempts         integer NOT NULL DEFAULT 0,
  last_error       text,
  failure_reason   text,
  created_at       timestamptz NOT NULL,
  finished_at      timestamptz
);
CREATE INDEX refund_legs_refund ON refund_legs (refund_id);
CREATE INDEX refund_legs_payment ON refund_legs (payment_id);
CREATE INDEX refund_legs_open ON refund_legs (route, status) WHERE status NOT IN ('succeeded', 'failed');

-- Each change of what the gateway owes an airline, as the ledger booked it to the airline's
-- payable: + owed (a payment, a guarantee), - taken back (a refund, a released guarantee).
-- A payout claims the items owed before its cut-off.
CREATE TABLE settlement_items (
  id              bigserial PRIMARY KEY,
  merchant_id     uuid NOT NULL REFERENCES merchants (id),
  currency        char(3) NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('payment', 'guarantee', 'release', 'refund', 'refund_failed', 'payout_failed')),
  amount_minor    bigint NOT NULL CHECK (amount_minor <> 0),
  fee_minor       bigint NOT NULL DEFAULT 0 CHECK (fee_minor >= 0),
  booking_id      uuid REFERENCES bookings (id),
  invoice_id      uuid REFERENCES invoices (id),
  refund_id       uuid REFERENCES refunds (id),
  source_payout_id uuid REFERENCES payouts (id),
  ledger_entry_id bigint NOT NULL REFERENCES ledger_entries (id),
  occurred_at     timestamptz NOT NULL,
  payout_id       uuid REFERENCES payouts (id)
);
CREATE INDEX settlement_items_unsettled ON settlement_items (merchant_id, currency, occurred_at) WHERE payout_id IS NULL;
CREATE INDEX settlement_items_payout ON settlement_items (payout_id);

ALTER TABLE support_cases DROP CONSTRAINT IF EXISTS support_cases_type_check;
ALTER TABLE support_cases ADD CONSTRAINT support_cases_type_check CHECK (type IN (
  'ticketing_failed', 'price_change_after_guarantee', 'choice_after_expiry',
  'underpayment', 'overpayment', 'payment_for_closed_booking',
  'refund_at_risk', 'refund_failed', 'payout_failed'));
