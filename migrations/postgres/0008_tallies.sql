-- What /metrics reports, counted as it changes (issue #18): each insert or change of
-- an order's state, an inbound message, an outbox message's status, a reminder or staff
-- alert on a timeline and a staff-queue item moves a tally in the same transaction, so
-- /metrics reads a few rows instead of scanning history. Each connection moves its own
-- shard of a tally (its backend pid modulo 16), so that replicas saving at once do not
-- wait on one hot row; /metrics adds the shards up.
CREATE TABLE tallies (
    metric TEXT    NOT NULL,
    label  TEXT    NOT NULL,
    shard  INTEGER NOT NULL DEFAULT 0,
    value  BIGINT  NOT NULL,
    PRIMARY KEY (metric, label, shard)
);

INSERT INTO tallies (metric, label, value) SELECT 'orders', state, COUNT(*) FROM orders GROUP BY state;
INSERT INTO tallies (metric, label, value) SELECT 'inbound', kind, COUNT(*) FROM inbound_messages GROUP BY kind;
INSERT INTO tallies (metric, label, value)
    SELECT 'outbox', channel || ':' || status, COUNT(*) FROM outbox GROUP BY channel, status;
INSERT INTO tallies (metric, label, value)
    SELECT 'timeline', event, COUNT(*) FROM timeline WHERE event IN ('reminder_sent', 'staff_alerted') GROUP BY event;
INSERT INTO tallies (metric, label, value) SELECT 'staff_queue', status, COUNT(*) FROM staff_queue GROUP BY status;

CREATE FUNCTION tally(m TEXT, l TEXT, delta BIGINT) RETURNS VOID LANGUAGE sql AS $$
    INSERT INTO tallies (metric, label, shard, value) VALUES (m, l, pg_backend_pid() % 16, delta)
        ON CONFLICT (metric, label, shard) DO UPDATE SET value = tallies.value + delta;
$$;

-- One label column per table: a new row counts +1 under it, a changed one moves from
-- the old label to the new.
CREATE FUNCTION tally_change() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE
    metric TEXT := TG_ARGV[0];
    new_label TEXT;
    old_label TEXT;
BEGIN
    -- Each branch reads only its own table's columns (a record has no others).
    IF TG_TABLE_NAME = 'orders' THEN
        new_label := NEW.state;
        IF TG_OP = 'UPDATE' THEN old_label := OLD.state; END IF;
    ELSIF TG_TABLE_NAME = 'inbound_messages' THEN
        new_label := NEW.kind;
    ELSIF TG_TABLE_NAME = 'outbox' THEN
        new_label := NEW.channel || ':' || NEW.status;
        IF TG_OP = 'UPDATE' THEN old_label := OLD.channel || ':' || OLD.status; END IF;
    ELSIF TG_TABLE_NAME = 'timeline' THEN
        new_label := NEW.event;
    ELSIF TG_TABLE_NAME = 'staff_queue' THEN
        new_label := NEW.status;
        IF TG_OP = 'UPDATE' THEN old_label := OLD.status; END IF;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF old_label IS NOT DISTINCT FROM new_label THEN
            RETURN NULL;
        END IF;
        PERFORM tally(metric, old_label, -1);
    END IF;
    PERFORM tally(metric, new_label, 1);
    RETURN NULL;
END;
$$;

CREATE TRIGGER tally_orders AFTER INSERT OR UPDATE OF state ON orders
    FOR EACH ROW EXECUTE FUNCTION tally_change('orders');
CREATE TRIGGER tally_inbound AFTER INSERT ON inbound_messages
    FOR EACH ROW EXECUTE FUNCTION tally_change('inbound');
CREATE TRIGGER tally_outbox AFTER INSERT OR UPDATE OF status ON outbox
    FOR EACH ROW EXECUTE FUNCTION tally_change('outbox');
CREATE TRIGGER tally_timeline AFTER INSERT ON timeline
    FOR EACH ROW WHEN (NEW.event IN ('reminder_sent', 'staff_alerted')) EXECUTE FUNCTION tally_change('timeline');
CREATE TRIGGER tally_staff_queue AFTER INSERT OR UPDATE OF status ON staff_queue
    FOR EACH ROW EXECUTE FUNCTION tally_change('staff_queue');
