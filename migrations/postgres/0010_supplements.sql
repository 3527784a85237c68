-- Supplements (issue #15): an order changed after submission counts its SUPPs, and may
-- ask the carrier for a port date of its own, and name the billing number the account
-- keeps at the losing carrier when its main number ports away.
ALTER TABLE orders ADD COLUMN requested_date DATE;
ALTER TABLE orders ADD COLUMN supplements BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN new_btn TEXT;
