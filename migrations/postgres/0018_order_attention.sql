-- When each order next needs the desk, in a narrow table of its own (issue #18). On the
-- orders table every reminder changed an indexed column twice (the tick's claim, then
-- the saved change), so PostgreSQL wrote a new entry in each of the orders' eight
-- indexes both times; with the time here, a reminder's update of the order changes no
-- indexed column and can stay on its page (a HOT update, hence the room left on each
-- page), and the claim touches only this table and its index.
CREATE TABLE order_attention (
    order_id BIGINT PRIMARY KEY REFERENCES orders (id),
    attention_at TIMESTAMPTZ
);
INSERT INTO order_attention (order_id, attention_at) SELECT id, attention_at FROM orders;
CREATE INDEX order_attention_due ON order_attention (attention_at, order_id) WHERE attention_at IS NOT NULL;
DROP INDEX orders_by_attention;
ALTER TABLE orders DROP COLUMN attention_at;
ALTER TABLE orders SET (fillfactor = 85);
