-- Bills in the payment chat (issue 15, docs/chat.md): an operator bills the customer in a dialog
-- and the customer pays by card on the hosted page. A bill is not a parallel payment system: it
-- is a booking of its own (kind 'chat_bill', one 'service' line) with a card invoice, so the
-- ledger, settlement, refunds, documents and webhooks treat it like any other invoice.

-- What a booking is: a ticket booking posted by a booking engine, or a chat bill's own booking
-- (no passengers, no segments, never ticketed; its time limit is the bill's due time).
ALTER TABLE bookings ADD COLUMN kind text NOT NULL DEFAULT 'ticket' CHECK (kind IN ('ticket', 'chat_bill'));

-- A client is a company (INN, KPP) or a private person: the chat's customer, who has no INN.
-- One person row per chat customer (chat_bills.client_id), linked to the airline. Companies
-- stay unique by INN and KPP; persons have neither.
ALTER TABLE clients ADD COLUMN kind text NOT NULL DEFAULT 'company' CHECK (kind IN ('company', 'person'));
ALTER TABLE clients DROP CONSTRAINT clients_inn_check;
ALTER TABLE clients ADD CONSTRAINT clients_inn_check
  CHECK (CASE kind WHEN 'company' THEN inn ~ '^[0-9]{10}([0-9]{2})?$' ELSE inn = '' AND kpp = '' END);
ALTER TABLE clients DROP CONSTRAINT clients_inn_kpp_key;
CREATE UNIQUE INDEX clients_inn_kpp_key ON clients (inn, kpp) WHERE kind = 'company';

-- A bill. booking_id/invoice_id: its own booking and card invoice (number = the invoice's
-- number); linked_booking_id: the airline's booking it is about, if any (shown, never paid by it).
-- status: open (payable) -> paid -> refunded (the whole amount went back); open -> cancelled (by
-- an operator, or the booking cancelled through the API) | expired (its due time passed unpaid).
CREATE TABLE chat_bills (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id       uuid NOT NULL REFERENCES merchants (id),
  dialog_id         uuid NOT NULL REFERENCES chat_dialogs (id),
  visitor_id        uuid NOT NULL REFERENCES chat_visitors (id),
  client_id         uuid NOT NULL REFERENCES clients (id),
  booking_id        uuid NOT NULL UNIQUE REFERENCES bookings (id),
  invoice_id        uuid NOT NULL UNIQUE REFERENCES invoices (id),
  linked_booking_id uuid REFERENCES bookings (id),
  number            text NOT NULL,
  currency          char(3) NOT NULL,
  amount_minor      bigint NOT NULL CHECK (amount_minor > 0),
  vat_rate          text NOT NULL CHECK (vat_rate IN ('22', '20', '10', '0', 'none')),
  description       text NOT NULL CHECK (length(description) BETWEEN 1 AND 500),
  status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paid', 'cancelled', 'expired', 'refunded')),
  created_by        uuid NOT NULL REFERENCES staff_users (id),
  created_at        timestamptz NOT NULL,
  due_at            timestamptz NOT NULL,
  paid_at           timestamptz,
  cancelled_at      timestamptz,
  cancelled_by      text,  -- the audit actor: "staff:<id>", or the API key that cancelled its booking
  expired_at        timestamptz,
  refunded_at       timestamptz,
  CHECK ((status IN ('paid', 'refunded')) = (paid_at IS NOT NULL)),
  CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
  CHECK ((status = 'expired') = (expired_at IS NOT NULL)),
  CHECK ((status = 'refunded') = (refunded_at IS NOT NULL))
);
CREATE INDEX chat_bills_dialog ON chat_bills (dialog_id, created_at);
CREATE INDEX chat_bills_visitor ON chat_bills (visitor_id);
CREATE INDEX chat_bills_merchant ON chat_bills (merchant_id, status, created_at);
-- The sweep's work: open bills (paid, expired or cancelled elsewhere) and paid ones (refunded).
CREATE INDEX chat_bills_live ON chat_bills (created_at) WHERE status IN ('open', 'paid');
