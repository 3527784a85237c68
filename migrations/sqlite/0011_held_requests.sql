-- A held port request keeps what the portal sent, so that onboarding the customer
-- opens its orders; the body is cleared once it has.
ALTER TABLE port_requests ADD COLUMN body BLOB;
CREATE INDEX port_requests_held ON port_requests (customer) WHERE status = 'held';
-- A contact's questions past the daily limit reach a person once a day an order.
CREATE INDEX staff_queue_by_order ON staff_queue (order_id, created_at);
