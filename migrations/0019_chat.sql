-- The payment chat (issue 15): an airline's customers talk with its operators from a widget on
-- the airline's site; operators issue bills in the conversation (chat_bills, migration 0020).

-- An airline's chat: which sites may embed the widget (CSP frame-ancestors of the widget page),
-- and the key with which the airline may sign a customer's identity to bring history along.
CREATE TABLE chat_settings (
  merchant_id     uuid PRIMARY KEY REFERENCES merchants (id),
  enabled         boolean NOT NULL DEFAULT true,
  origins         text[] NOT NULL DEFAULT '{}',  -- 'https://www.airline.example', scheme://host[:port]
  identity_secret text,                          -- HMAC-SHA256 key for signed customer ids; NULL: none
  greeting        jsonb NOT NULL DEFAULT '{}'::jsonb,  -- {"ru": "...", "en": "..."} shown before the first message
  updated_at      timestamptz NOT NULL
);

-- A customer of the widget: no account, a random token per device kept by the widget (only its
-- SHA-256 in chat_visitor_tokens). external_id: the airline's own id of the customer, taken only
-- when signed with identity_secret: another device signed the same comes to the same customer.
CREATE TABLE chat_visitors (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id  uuid NOT NULL REFERENCES merchants (id),
  external_id  text CHECK (length(external_id) BETWEEN 1 AND 200),
  name         text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
  email        text NOT NULL DEFAULT '' CHECK (length(email) <= 254),
  language     text NOT NULL DEFAULT 'ru' CHECK (language ~ '^[a-z]{2}$'),
  created_at   timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  UNIQUE (merchant_id, external_id)
);
CREATE TABLE chat_visitor_tokens (
  token_hash text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  visitor_id uuid NOT NULL REFERENCES chat_visitors (id),
  created_at timestamptz NOT NULL
);
CREATE INDEX chat_visitor_tokens_visitor ON chat_visitor_tokens (visitor_id);
CREATE INDEX chat_visitors_name ON chat_visitors USING gin ((name || ' ' || email) gin_trgm_ops);

-- A conversation. waiting: nobody has taken it; open: an assignee has; closed: ended (a new
-- message from the customer opens a new dialog). last_seq: the last message's number, taken
-- by the inserting transaction under this row's lock, so numbers are gapless per dialog.
CREATE TABLE chat_dialogs (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id       uuid NOT NULL REFERENCES merchants (id),
  visitor_id        uuid NOT NULL REFERENCES chat_visitors (id),
  status            text NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'open', 'closed')),
  assignee_id       uuid REFERENCES staff_users (id),
  support_requested boolean NOT NULL DEFAULT false,  -- the gateway's support is asked in
  last_seq          integer NOT NULL DEFAULT 0,
  visitor_read_seq  integer NOT NULL DEFAULT 0,
  page_url          text NOT NULL DEFAULT '' CHECK (length(page_url) <= 2000),
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  closed_at         timestamptz,
  CHECK ((status = 'waiting') = (assignee_id IS NULL) OR status = 'closed')
);
CREATE INDEX chat_dialogs_queue ON chat_dialogs (merchant_id, status, created_at);
CREATE INDEX chat_dialogs_merchant_created ON chat_dialogs (merchant_id, created_at DESC, id DESC);
CREATE INDEX chat_dialogs_visitor ON chat_dialogs (visitor_id, created_at DESC);
CREATE INDEX chat_dialogs_support ON chat_dialogs (created_at) WHERE support_requested AND status <> 'closed';
-- One dialog not closed per customer: the widget continues it.
CREATE UNIQUE INDEX chat_dialogs_one_live ON chat_dialogs (visitor_id) WHERE status <> 'closed';

-- Staff in a dialog: its assignee, other operators who joined (a supervisor, a colleague), the
-- gateway's support when invited. left_at: transferred away or left; last_read_seq: read up to.
CREATE TABLE chat_participants (
  dialog_id     uuid NOT NULL REFERENCES chat_dialogs (id),
  staff_id      uuid NOT NULL REFERENCES staff_users (id),
  role          text NOT NULL CHECK (role IN ('assignee', 'operator', 'support')),
  joined_at     timestamptz NOT NULL,
  left_at       timestamptz,
  last_read_seq integer NOT NULL DEFAULT 0,
  PRIMARY KEY (dialog_id, staff_id)
);
CREATE INDEX chat_participants_staff ON chat_participants (staff_id) WHERE left_at IS NULL;

-- Every message, numbered per dialog. kind text: typed by someone; bill: a bill was issued
-- (data.bill); event: what happened (taken, transferred, joined, bill paid, closed), with
-- data.event. private: between staff only, never sent to the customer (the server filters).
-- client_id: the sender's own id of the message, so a message sent twice is stored once.
CREATE TABLE chat_messages (
  dialog_id   uuid NOT NULL REFERENCES chat_dialogs (id),
  seq         integer NOT NULL CHECK (seq > 0),
  kind        text NOT NULL CHECK (kind IN ('text', 'bill', 'event')),
  author_kind text NOT NULL CHECK (author_kind IN ('visitor', 'staff', 'system')),
  author_id   uuid,
  private     boolean NOT NULL DEFAULT false,
  client_id   text CHECK (length(client_id) BETWEEN 1 AND 64),
  body        text NOT NULL DEFAULT '' CHECK (length(body) <= 10000),
  data        jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL,
  -- Russian and English stems both: a customer writes in either, sometimes in one message.
  search      tsvector GENERATED ALWAYS AS (
                to_tsvector('russian'::regconfig, body) || to_tsvector('english'::regconfig, body)) STORED,
  PRIMARY KEY (dialog_id, seq),
  CHECK (author_kind = 'system' OR author_id IS NOT NULL),
  CHECK (NOT private OR author_kind = 'staff')
);
CREATE UNIQUE INDEX chat_messages_client_id ON chat_messages (dialog_id, author_kind, author_id, client_id)
  WHERE client_id IS NOT NULL;
CREATE INDEX chat_messages_search ON chat_messages USING gin (search);

-- Canned replies per airline: "/shortcode" in the composer; {{visitor.name}}, {{operator.name}},
-- {{booking.pnr}}, {{bill.amount}} are filled in by the console, with "{{name|fallback}}".
CREATE TABLE chat_canned_replies (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id uuid NOT NULL REFERENCES merchants (id),
  shortcode   text NOT NULL CHECK (shortcode ~ '^[a-z0-9_-]{1,32}$'),
  title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  body        text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
  updated_at  timestamptz NOT NULL,
  UNIQUE (merchant_id, shortcode)
);
