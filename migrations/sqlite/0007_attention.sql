-- When each open order next needs the desk (issue #18): the tick reads only the orders
-- whose moment has come, through this index, instead of every open order. Open orders
-- saved before this are looked at by the first tick, which sets their moment.
ALTER TABLE orders ADD COLUMN attention_at TEXT;
UPDATE orders SET attention_at = updated_at WHERE state NOT IN ('completed', 'cancelled');
CREATE INDEX orders_by_attention ON orders (attention_at, id) WHERE attention_at IS NOT NULL;
