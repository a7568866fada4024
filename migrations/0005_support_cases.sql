-- Cases for people: each negative scenario the automation cannot settle on its own.
CREATE TABLE support_cases (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id uuid NOT NULL REFERENCES merchants (id),
  booking_id  uuid REFERENCES bookings (id),
  type        text NOT NULL CHECK (type IN ('ticketing_failed', 'price_change_after_guarantee',
                                            'choice_after_expiry')),
  status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  notes       text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL
);
CREATE INDEX support_cases_merchant ON support_cases (merchant_id, created_at, id);

ALTER TABLE bookings ADD COLUMN tickets jsonb NOT NULL DEFAULT '[]'::jsonb;
