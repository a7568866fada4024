-- Signed webhooks, e-mail, and the audit trail (issue 4).

-- Events are the outbox rows: a public id, the booking they concern (ordering and filters),
-- and when the fan-out turned them into webhook deliveries and e-mails.
ALTER TABLE outbox ADD COLUMN event_id uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE outbox ADD COLUMN booking_id uuid;
ALTER TABLE outbox RENAME COLUMN delivered_at TO fanned_out_at;
ALTER INDEX outbox_pending RENAME TO outbox_to_fan_out;
CREATE UNIQUE INDEX outbox_event_id ON outbox (event_id);
CREATE INDEX outbox_merchant_seq ON outbox (merchant_id, id);
CREATE INDEX outbox_booking ON outbox (booking_id, id) WHERE booking_id IS NOT NULL;

CREATE TABLE webhook_endpoints (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id           uuid NOT NULL REFERENCES merchants (id),
  url                   text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2048),
  events                text[] NOT NULL CHECK (cardinality(events) > 0),  -- topics, or '*'
  secret                text NOT NULL,
  previous_secret       text,         -- still signs until previous_secret_until (rotation)
  previous_secret_until timestamptz,
  status                text NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'disabled', 'deleted')),
  failing_since         timestamptz,  -- first failure since the last success
  created_at            timestamptz NOT NULL,
  disabled_at           timestamptz,
  deleted_at            timestamptz
);
CREATE INDEX webhook_endpoints_merchant ON webhook_endpoints (merchant_id) WHERE status = 'enabled';

-- One event to one endpoint. Deliveries of one endpoint with the same order_key (the booking)
-- go out one at a time in event order; claimed_until is the sender's lease.
CREATE TABLE webhook_deliveries (
  id              bigserial PRIMARY KEY,
  event_seq       bigint NOT NULL REFERENCES outbox (id),
  endpoint_id     uuid NOT NULL REFERENCES webhook_endpoints (id),
  order_key       uuid,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  claim_token     uuid,
  created_at      timestamptz NOT NULL,
  finished_at     timestamptz
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_order ON webhook_deliveries (endpoint_id, order_key, event_seq)
  WHERE status = 'pending';
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_seq);

CREATE TABLE webhook_attempts (
  id               bigserial PRIMARY KEY,
  delivery_id      bigint NOT NULL REFERENCES webhook_deliveries (id),
  attempt          integer NOT NULL,
  started_at       timestamptz NOT NULL,
  latency_ms       integer NOT NULL,
  http_status      integer,        -- null when no response came (timeout, refused, TLS)
  error            text,
  response_excerpt text NOT NULL DEFAULT ''
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- E-mails to clients, merchants and staff, rendered when the event is fanned out.
CREATE TABLE email_messages (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id     uuid REFERENCES merchants (id),
  event_seq       bigint REFERENCES outbox (id),
  kind            text NOT NULL,
  recipient       text NOT NULL,
  language        text NOT NULL CHECK (language IN ('ru', 'en')),
  subject         text NOT NULL,
  body            text NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  claim_token     uuid,
  last_error      text,
  created_at      timestamptz NOT NULL,
  finished_at     timestamptz
);
CREATE INDEX email_messages_due ON email_messages (next_attempt_at) WHERE status = 'pending';
CREATE INDEX email_messages_event ON email_messages (event_seq);

ALTER TABLE bookings ADD COLUMN language text NOT NULL DEFAULT 'ru' CHECK (language IN ('ru', 'en'));
ALTER TABLE bookings ADD COLUMN expiry_notice_at timestamptz;  -- "TL in 2 h" told
ALTER TABLE merchants ADD COLUMN contact_email text;

-- The audit trail: which entity, and the before/after of each changed field.
ALTER TABLE audit_log ADD COLUMN entity text;
UPDATE audit_log SET entity = split_part(action, '.', 1);
ALTER TABLE audit_log ALTER COLUMN entity SET NOT NULL;
ALTER TABLE audit_log ADD COLUMN changes jsonb NOT NULL DEFAULT '{}'::jsonb;
CREATE INDEX audit_log_entity ON audit_log (merchant_id, entity, subject, id);

-- Append-only, whoever connects: the application role owns the table, so revoking UPDATE
-- from it would not hold; a trigger does.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;
