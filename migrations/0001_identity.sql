-- Airlines (merchants), their API keys, the gateway's staff, and corporate clients.

CREATE TABLE merchants (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
  inn        text NOT NULL CHECK (inn ~ '^[0-9]{10}([0-9]{2})?$'),
  kpp        text CHECK (kpp ~ '^[0-9]{4}[0-9A-Z]{2}[0-9]{3}$'),
  timezone   text NOT NULL DEFAULT 'Europe/Moscow',
  settings   jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id uuid NOT NULL REFERENCES merchants (id),
  mode        text NOT NULL CHECK (mode IN ('test', 'live')),
  key_hash    text NOT NULL UNIQUE,          -- sha256 hex of the whole key; the key itself is never stored
  last4       text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);
CREATE INDEX api_keys_merchant ON api_keys (merchant_id);

CREATE TABLE staff_users (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
  role       text NOT NULL CHECK (role IN ('admin', 'accountant', 'support')),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE staff_keys (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  staff_id   uuid NOT NULL REFERENCES staff_users (id),
  key_hash   text NOT NULL UNIQUE,
  last4      text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

-- A corporate client is a legal entity known to the whole gateway; merchants see it once linked.
CREATE TABLE clients (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  inn        text NOT NULL CHECK (inn ~ '^[0-9]{10}([0-9]{2})?$'),
  kpp        text NOT NULL DEFAULT '' CHECK (kpp = '' OR kpp ~ '^[0-9]{4}[0-9A-Z]{2}[0-9]{3}$'),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (inn, kpp)
);

CREATE TABLE merchant_clients (
  merchant_id uuid NOT NULL REFERENCES merchants (id),
  client_id   uuid NOT NULL REFERENCES clients (id),
  linked_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, client_id)
);
CREATE INDEX merchant_clients_client ON merchant_clients (client_id);
