-- The tallies moved with less work (issue #18). `tally()` was a LANGUAGE sql function:
-- called from the trigger, it was parsed and planned again at every call (a third of a
-- reminder's trigger time). As plpgsql its INSERT is planned once a connection. And the
-- update triggers fire only when the label moves: a save writes every column of the
-- order, so `UPDATE OF state` alone ran the trigger at every save to find nothing moved.
-- (SQLite's triggers already carry such a WHEN and run inside the statement.)
CREATE OR REPLACE FUNCTION tally(m TEXT, l TEXT, delta BIGINT) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO tallies (metric, label, shard, value) VALUES (m, l, pg_backend_pid() % 16, delta)
        ON CONFLICT (metric, label, shard) DO UPDATE SET value = tallies.value + delta;
END;
$$;

DROP TRIGGER tally_orders ON orders;
CREATE TRIGGER tally_order_opened AFTER INSERT ON orders
    FOR EACH ROW EXECUTE FUNCTION tally_change('orders');
CREATE TRIGGER tally_order_moved AFTER UPDATE OF state ON orders
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION tally_change('orders');

DROP TRIGGER tally_outbox ON outbox;
CREATE TRIGGER tally_outbox_queued AFTER INSERT ON outbox
    FOR EACH ROW EXECUTE FUNCTION tally_change('outbox');
CREATE TRIGGER tally_outbox_settled AFTER UPDATE OF status ON outbox
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION tally_change('outbox');

DROP TRIGGER tally_staff_queue ON staff_queue;
CREATE TRIGGER tally_staff_item AFTER INSERT ON staff_queue
    FOR EACH ROW EXECUTE FUNCTION tally_change('staff_queue');
CREATE TRIGGER tally_staff_item_resolved AFTER UPDATE OF status ON staff_queue
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION tally_change('staff_queue');
