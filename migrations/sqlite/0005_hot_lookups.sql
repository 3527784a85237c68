-- Lookups that run on every reminder and every status answer, indexed so that they do
-- not grow with history (issue #18): a contact's last message on an order, a carrier's
-- recent orders (the estimate in status answers).
CREATE INDEX inbound_by_order ON inbound_messages (order_id, id);
CREATE INDEX orders_by_carrier ON orders (carrier, id);
