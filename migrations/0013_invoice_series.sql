-- Invoice numbers unique on the gateway's account (issue 11): every airline numbers its
-- invoices in series of its own, a series prefix once used belongs to that airline forever, and
-- the database refuses two invoices with one number. Invoices issued before keep their numbers
-- (several airlines may share "SB-2026-000001"): they are marked legacy_number and their
-- prefixes are reserved so that no series can ever produce one of them again.

-- merchant_id NULL: reserved by the gateway (the legacy shared "SB", prefixes of old invoices
-- no single airline keeps). Only an owned series is held to the shape the payment matcher reads.
CREATE TABLE invoice_series (
  prefix      text PRIMARY KEY,
  merchant_id uuid REFERENCES merchants (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (prefix, merchant_id),
  CHECK (merchant_id IS NULL OR (prefix ~ '^[A-Z][A-Z0-9]{1,7}$' AND prefix NOT IN
    ('SB', 'NO', 'NR', 'NUM', 'INV', 'INVOICE', 'INN', 'KPP', 'BIK', 'BIC', 'OGRN', 'OKPO', 'OKTMO', 'KBK', 'TEL', 'DEP')))
);
CREATE INDEX invoice_series_merchant ON invoice_series (merchant_id);

-- Gapless per series and year; the row is locked by the issuing transaction until commit.
CREATE TABLE invoice_series_counters (
  prefix text NOT NULL REFERENCES invoice_series (prefix),
  year   integer NOT NULL,
  last   integer NOT NULL,
  PRIMARY KEY (prefix, year)
);

ALTER TABLE merchants ADD COLUMN invoice_prefix text;

ALTER TABLE invoices ADD COLUMN legacy_number boolean NOT NULL DEFAULT true;
ALTER TABLE invoices ALTER COLUMN legacy_number SET DEFAULT false;
ALTER TABLE invoices ADD COLUMN series text;

DO $$
DECLARE
  m record;
  kept text;
  candidate text;
  n integer := 0;
BEGIN
  -- An airline keeps the prefix it had configured when it is a valid one and no other airline
  -- used or configured it; its series then continues after its last number of each year.
  FOR m IN SELECT id, settings->>'invoice_prefix' AS p FROM merchants ORDER BY created_at, id LOOP
    kept := m.p;
    IF kept IS NULL OR kept !~ '^[A-Z][A-Z0-9]{1,7}$' OR kept IN
         ('SB', 'NO', 'NR', 'NUM', 'INV', 'INVOICE', 'INN', 'KPP', 'BIK', 'BIC', 'OGRN', 'OKPO', 'OKTMO', 'KBK', 'TEL', 'DEP')
       OR EXISTS (SELECT 1 FROM merchants o WHERE o.id <> m.id AND o.settings->>'invoice_prefix' = kept)
       OR EXISTS (SELECT 1 FROM invoices i WHERE i.merchant_id <> m.id AND split_part(i.number, '-', 1) = kept) THEN
      kept := NULL;
    END IF;
    IF kept IS NOT NULL THEN
      INSERT INTO invoice_series (prefix, merchant_id) VALUES (kept, m.id);
      INSERT INTO invoice_series_counters (prefix, year, last)
        SELECT kept, c.year, c.last FROM invoice_counters c WHERE c.merchant_id = m.id;
      UPDATE merchants SET invoice_prefix = kept WHERE id = m.id;
    END IF;
  END LOOP;

  INSERT INTO invoice_series (prefix, merchant_id) VALUES ('SB', NULL) ON CONFLICT DO NOTHING;
  INSERT INTO invoice_series (prefix, merchant_id)
    SELECT DISTINCT split_part(number, '-', 1), NULL::uuid FROM invoices ON CONFLICT DO NOTHING;

  -- Everyone else: AL001, AL002, … in order of creation, skipping what is taken.
  FOR m IN SELECT id FROM merchants WHERE invoice_prefix IS NULL ORDER BY created_at, id LOOP
    LOOP
      n := n + 1;
      candidate := 'AL' || lpad(n::text, 3, '0');
      EXIT WHEN NOT EXISTS (SELECT 1 FROM invoice_series WHERE prefix = candidate);
    END LOOP;
    INSERT INTO invoice_series (prefix, merchant_id) VALUES (candidate, m.id);
    UPDATE merchants SET invoice_prefix = candidate WHERE id = m.id;
  END LOOP;
END $$;

-- The prefix lives in its column now, not in the free-form settings.
UPDATE merchants SET settings = settings - 'invoice_prefix' WHERE settings ? 'invoice_prefix';
DROP TABLE invoice_counters;

ALTER TABLE merchants ALTER COLUMN invoice_prefix SET NOT NULL;
-- An airline numbers only in a series of its own. Deferred: a new airline and its first
-- series are inserted in one transaction, the airline first.
ALTER TABLE merchants ADD CONSTRAINT merchants_invoice_series
  FOREIGN KEY (invoice_prefix, id) REFERENCES invoice_series (prefix, merchant_id) DEFERRABLE INITIALLY DEFERRED;

-- A new invoice is numbered in a series of its airline, with that series' prefix, and no other
-- new invoice on the gateway carries its number. Old invoices keep theirs: their prefixes are
-- reserved above, so no series can produce them again.
ALTER TABLE invoices ADD CONSTRAINT invoices_series
  FOREIGN KEY (series, merchant_id) REFERENCES invoice_series (prefix, merchant_id);
ALTER TABLE invoices ADD CONSTRAINT invoices_number_in_series
  CHECK (legacy_number = (series IS NULL) AND (series IS NULL OR left(number, length(series) + 1) = series || '-'));
CREATE UNIQUE INDEX invoices_number_unique ON invoices (number) WHERE NOT legacy_number;
