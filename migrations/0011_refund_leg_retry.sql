-- A failed refund leg sent again by transfer (to the account staff give): the new leg replaces
-- it, so the money it carries is counted once against the payment it refunds.
ALTER TABLE refund_legs ADD COLUMN replaced_by uuid REFERENCES refund_legs (id);
