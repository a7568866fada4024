-- Card payments (issue 6): the gateway's card payment attempts, and the built-in sandbox
-- acquirer's own "bank side", kept in tables of its own (a real acquirer's data lives elsewhere).

-- One attempt to pay an invoice by card (`card`: captured at once) or to hold the amount on a
-- card (`card_hold`: authorised now, captured at the invoice's due date unless it was paid
-- otherwise, then released). Never holds a card number: the acquirer has it.
CREATE TABLE card_payments (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id    uuid NOT NULL REFERENCES merchants (id),
  booking_id     uuid NOT NULL REFERENCES bookings (id),
  invoice_id     uuid NOT NULL REFERENCES invoices (id),
  kind           text NOT NULL CHECK (kind IN ('card', 'card_hold')),
  amount_minor   bigint NOT NULL CHECK (amount_minor > 0),     -- asked for (the invoice's due amount)
  currency       char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),  -- the invoice's; never converted
  -- created: sent to the acquirer's page; challenge: 3-D Secure asked; authorized: a hold is
  -- in place; capturing/releasing/refunding: the settle job is telling the acquirer (under a
  -- lease); captured/released/refunded, declined, failed: final.
  status         text NOT NULL DEFAULT 'created' CHECK (status IN (
                   'created', 'challenge', 'authorized', 'capturing', 'captured', 'releasing', 'released',
                   'refunding', 'refunded', 'declined', 'failed')),
  acquirer       text NOT NULL DEFAULT 'sandbox',
  acquirer_ref   text,                    -- the acquirer's session id
  card_last4     text CHECK (card_last4 ~ '^[0-9]{4}$'),
  card_brand     text,
  failure_reason text,
  captured_minor bigint NOT NULL DEFAULT 0 CHECK (captured_minor >= 0),
  capture_at     timestamptz,             -- card_hold: the invoice's due date
  lease_until    timestamptz,             -- capturing/releasing/refunding: when another run may retry
  last_error     text,                    -- of the last failed call to the acquirer
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL,
  authorized_at  timestamptz,
  finished_at    timestamptz,
  UNIQUE (acquirer, acquirer_ref)
);
CREATE INDEX card_payments_invoice ON card_payments (invoice_id);
CREATE INDEX card_payments_booking ON card_payments (booking_id, created_at);
-- What the settle job looks at: holds in place, and calls to the acquirer not yet done.
CREATE INDEX card_payments_to_settle ON card_payments (capture_at)
  WHERE status IN ('authorized', 'capturing', 'releasing', 'refunding');
-- One card payment or hold per invoice at most: a second success is refunded or released.
CREATE UNIQUE INDEX card_payments_one_per_invoice ON card_payments (invoice_id)
  WHERE status IN ('authorized', 'capturing', 'captured');

-- The sandbox acquirer ------------------------------------------------------------------------

-- A payment session: the card page, the 3-D Secure challenge, then the outcome.
CREATE TABLE sandbox_acquirer_sessions (
  id                 text PRIMARY KEY CHECK (id ~ '^sbx_[0-9A-Za-z]{24}$'),
  reference          text NOT NULL,         -- the gateway's own id for it (its attempt)
  amount_minor       bigint NOT NULL CHECK (amount_minor > 0),
  currency           char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  capture            boolean NOT NULL,      -- false: authorise only (a hold)
  description        text NOT NULL,
  callback_url       text NOT NULL CHECK (callback_url ~ '^https?://'),
  return_url         text NOT NULL CHECK (return_url ~ '^https?://'),
  status             text NOT NULL DEFAULT 'open' CHECK (status IN (
                       'open', 'challenge', 'authorized', 'captured', 'released', 'refunded', 'declined', 'failed')),
  card_last4         text CHECK (card_last4 ~ '^[0-9]{4}$'),  -- never the full number
  card_brand         text,
  challenge_code     text,                  -- the one-time code the "issuer" sent
  challenge_attempts integer NOT NULL DEFAULT 0,
  failure_reason     text,
  captured_minor     bigint NOT NULL DEFAULT 0 CHECK (captured_minor >= 0),
  refunded_minor     bigint NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0),
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL,
  CHECK (captured_minor <= amount_minor AND refunded_minor <= captured_minor)
);

-- Captures, releases and refunds asked through the API; `reference` makes a repeat harmless.
CREATE TABLE sandbox_acquirer_operations (
  id           bigserial PRIMARY KEY,
  session_id   text NOT NULL REFERENCES sandbox_acquirer_sessions (id),
  kind         text NOT NULL CHECK (kind IN ('capture', 'release', 'refund')),
  amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
  reference    text NOT NULL,
  created_at   timestamptz NOT NULL,
  UNIQUE (session_id, kind, reference)
);

-- Signed callbacks to the gateway: sent at once, retried by the jobs until delivered.
CREATE TABLE sandbox_acquirer_callbacks (
  id              bigserial PRIMARY KEY,
  session_id      text NOT NULL REFERENCES sandbox_acquirer_sessions (id),
  url             text NOT NULL,
  body            text NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_error      text,
  created_at      timestamptz NOT NULL,
  delivered_at    timestamptz
);
CREATE INDEX sandbox_acquirer_callbacks_due ON sandbox_acquirer_callbacks (next_attempt_at) WHERE status = 'pending';
