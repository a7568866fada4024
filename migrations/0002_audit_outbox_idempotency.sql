-- Rows every use case writes in its own transaction.

CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,        -- 'merchant:<uuid>', 'staff:<uuid>', 'cli', 'system'
  merchant_id uuid REFERENCES merchants (id),
  action      text NOT NULL,        -- 'client.created', 'api_key.revoked', ...
  subject     text NOT NULL,        -- id of what was acted on
  request_id  text,
  data        jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_subject ON audit_log (subject);

-- Events to deliver (webhooks, e-mail); delivery comes with the notifications module.
CREATE TABLE outbox (
  id           bigserial PRIMARY KEY,
  merchant_id  uuid REFERENCES merchants (id),
  topic        text NOT NULL,
  payload      jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz
);
CREATE INDEX outbox_pending ON outbox (id) WHERE delivered_at IS NULL;

-- Stored responses of POSTs sent with an Idempotency-Key, written with the effect.
CREATE TABLE idempotency_keys (
  principal       text NOT NULL,     -- 'merchant:<uuid>' or 'staff:<uuid>'
  key             text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  request_hash    text NOT NULL,
  response_status integer NOT NULL,
  response_body   text NOT NULL,
  content_type    text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
