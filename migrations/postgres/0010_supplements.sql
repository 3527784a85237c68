-- Supplements (issue #15): an order changed after submission counts its SUPPs, and may
-- ask the carrier for a port date of its own, and name the billing number the account
-- keeps at the losing carrier when its main number ports away.
ALTER TABLE orders ADD COLUMN requested_date DATE;
ALTER TABLE orders ADD COLUMN supplements BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN new_btn TEXT;
-- A change withdraws its order's e-mails that no longer fit before they leave: found by
-- order among those still waiting.
CREATE INDEX outbox_waiting_by_order ON outbox (order_id, status);
