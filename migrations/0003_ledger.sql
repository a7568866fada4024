-- The double-entry ledger and the clients' credit lines.
-- Money moves only as entries whose postings sum to zero in every currency; balances are the
-- sums of postings, never stored on the side. Used credit is the balance of the client's
-- credit_receivable account, so it is not a column of credit_lines.

CREATE TABLE ledger_accounts (
  id         bigserial PRIMARY KEY,
  owner      text NOT NULL CHECK (owner IN ('client', 'merchant', 'gateway')),
  owner_id   uuid,                         -- the client's or merchant's id; NULL only for the gateway
  kind       text NOT NULL CHECK (kind IN ('receivable', 'credit_receivable', 'deposit', 'payable', 'bank')),
  currency   char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((owner = 'gateway') = (owner_id IS NULL)),
  CHECK (CASE owner
           WHEN 'client'   THEN kind IN ('receivable', 'credit_receivable', 'deposit')
           WHEN 'merchant' THEN kind = 'payable'
           WHEN 'gateway'  THEN kind = 'bank'
         END)
);
-- One account per (owner, owner_id, kind, currency). A plain UNIQUE would not dedupe the
-- gateway's accounts (NULL owner_id values are distinct), hence the coalesce.
CREATE UNIQUE INDEX ledger_accounts_identity
  ON ledger_accounts (owner, coalesce(owner_id, '00000000-0000-0000-0000-000000000000'::uuid), kind, currency);

CREATE TABLE ledger_entries (
  id         bigserial PRIMARY KEY,
  kind       text NOT NULL CHECK (length(kind) BETWEEN 1 AND 100),   -- 'deposit.top_up', ...
  reference  text NOT NULL DEFAULT '',                               -- a booking, invoice or client id
  memo       text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_entries_reference ON ledger_entries (reference);

-- Debit positive, credit negative, in minor units of the account's currency.
CREATE TABLE ledger_postings (
  id           bigserial PRIMARY KEY,
  entry_id     bigint NOT NULL REFERENCES ledger_entries (id),
  account_id   bigint NOT NULL REFERENCES ledger_accounts (id),
  amount_minor bigint NOT NULL CHECK (amount_minor <> 0)
);
CREATE INDEX ledger_postings_entry ON ledger_postings (entry_id);
CREATE INDEX ledger_postings_account ON ledger_postings (account_id) INCLUDE (amount_minor);

-- The ledger is append-only: a mistake is corrected by a reversing entry, never by an edit.
CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: post a reversing entry instead', TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_postings_append_only BEFORE UPDATE OR DELETE ON ledger_postings
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_postings_no_truncate BEFORE TRUNCATE ON ledger_postings
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

-- At commit, every entry written in the transaction must have at least two postings that sum
-- to zero in every currency: a second line of defence behind the application's
-- ledger::check_balanced. sum(bigint) is numeric, so the check itself cannot overflow.
CREATE FUNCTION ledger_check_entry() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  entry bigint;
  n     bigint;
  bad   record;
BEGIN
  -- NEW has the columns of the table that fired: only the branch for it may touch them.
  IF TG_TABLE_NAME = 'ledger_entries' THEN
    entry := NEW.id;
  ELSE
    entry := NEW.entry_id;
  END IF;
  SELECT count(*) INTO n FROM ledger_postings WHERE entry_id = entry;
  IF n < 2 THEN
    RAISE EXCEPTION 'ledger entry % has % posting(s); at least two are needed', entry, n
      USING ERRCODE = 'check_violation';
  END IF;
  SELECT a.currency, sum(p.amount_minor) AS total INTO bad
    FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id
   WHERE p.entry_id = entry
   GROUP BY a.currency
  HAVING sum(p.amount_minor) <> 0
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'ledger entry % is unbalanced: its % postings sum to % minor units',
      entry, bad.currency, bad.total
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_entry();
CREATE CONSTRAINT TRIGGER ledger_postings_balanced AFTER INSERT ON ledger_postings
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_entry();

-- A client's credit line in one currency, set by staff. Used credit is derived (see above).
CREATE TABLE credit_lines (
  client_id     uuid NOT NULL REFERENCES clients (id),
  currency      char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  limit_minor   bigint NOT NULL CHECK (limit_minor >= 0),
  deferral_days integer NOT NULL CHECK (deferral_days BETWEEN 0 AND 365),  -- the engine caps at 30
  approved      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (client_id, currency)
);
