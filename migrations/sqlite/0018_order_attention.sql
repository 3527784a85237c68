-- When each order next needs the desk, in a narrow table of its own (issue #18), as on
-- PostgreSQL (where it keeps a reminder's update of the order off the orders' indexes).
CREATE TABLE order_attention (
    order_id INTEGER PRIMARY KEY REFERENCES orders (id),
    attention_at TEXT
);
INSERT INTO order_attention (order_id, attention_at) SELECT id, attention_at FROM orders;
CREATE INDEX order_attention_due ON order_attention (attention_at, order_id) WHERE attention_at IS NOT NULL;
DROP INDEX orders_by_attention;
ALTER TABLE orders DROP COLUMN attention_at;
