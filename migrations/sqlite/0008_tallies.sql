-- What /metrics reports, counted as it changes (issue #18): each insert or change of
-- an order's state, an inbound message, an outbox message's status, a reminder or staff
-- alert on a timeline and a staff-queue item moves a tally in the same transaction, so
-- /metrics reads a few rows instead of scanning history. SQLite has one writer at a
-- time: one row a tally (shard 0).
CREATE TABLE tallies (
    metric TEXT    NOT NULL,
    label  TEXT    NOT NULL,
    shard  INTEGER NOT NULL DEFAULT 0,
    value  INTEGER NOT NULL,
    PRIMARY KEY (metric, label, shard)
);

INSERT INTO tallies (metric, label, value) SELECT 'orders', state, COUNT(*) FROM orders GROUP BY state;
INSERT INTO tallies (metric, label, value) SELECT 'inbound', kind, COUNT(*) FROM inbound_messages GROUP BY kind;
INSERT INTO tallies (metric, label, value)
    SELECT 'outbox', channel || ':' || status, COUNT(*) FROM outbox GROUP BY channel, status;
INSERT INTO tallies (metric, label, value)
    SELECT 'timeline', event, COUNT(*) FROM timeline WHERE event IN ('reminder_sent', 'staff_alerted') GROUP BY event;
INSERT INTO tallies (metric, label, value) SELECT 'staff_queue', status, COUNT(*) FROM staff_queue GROUP BY status;

CREATE TRIGGER tally_order_opened AFTER INSERT ON orders BEGIN
    INSERT INTO tallies (metric, label, value) VALUES ('orders', NEW.state, 1)
        ON CONFLICT (metric, label, shard) DO UPDATE SET value = value + 1;
END;
CREATE TRIGGER tally_order_moved AFTER UPDATE OF state ON orders WHEN OLD.state <> NEW.state BEGIN
    UPDATE tallies SET value = value - 1 WHERE metric = 'orders' AND label = OLD.state AND shard = 0;
    INSERT INTO tallies (metric, label, value) VALUES ('orders', NEW.state, 1)
        ON CONFLICT (metric, label, shard) DO UPDATE SET value = value + 1;
END;
CREATE TRIGGER tally_inbound AFTER INSERT ON inbound_messages BEGIN
    INSERT INTO tallies (metric, label, value) VALUES ('inbound', NEW.kind, 1)
        ON CONFLICT (metric, label, shard) DO UPDATE SET value = value + 1;
END;
CREATE TRIGGER tally_outbox_queued AFTER INSERT ON outbox BEGIN
    INSERT INTO tallies (metric, label, value) VALUES ('outbox', NEW.channel || ':' || NEW.status, 1)
        ON CONFLICT (metric, label, shard) DO UPDATE SET value = value + 1;
END;
CREATE TRIGGER tally_outbox_settled AFTER UPDATE OF status ON outbox WHEN OLD.status <> NEW.status BEGIN
    UPDATE tallies SET value = value - 1
        WHERE metric = 'outbox' AND label = OLD.channel || ':' || OLD.status AND shard = 0;
    INSERT INTO tallies (metric, label, value) VALUES ('outbox', NEW.channel || ':' || NEW.status, 1)
        ON CONFLICT (metric, label, shard) DO UPDATE SET value = value + 1;
END;
CREATE TRIGGER tally_timeline AFTER INSERT ON timeline
    WHEN NEW.event IN ('reminder_sent', 'staff_alerted') BEGIN
    INSERT INTO tallies (metric, label, value) VALUES ('timeline', NEW.event, 1)
        ON CONFLICT (metric, label, shard) DO UPDATE SET value = value + 1;
END;
CREATE TRIGGER tally_staff_item AFTER INSERT ON staff_queue BEGIN
    INSERT INTO tallies (metric, label, value) VALUES ('staff_queue', NEW.status, 1)
        ON CONFLICT (metric, label, shard) DO UPDATE SET value = value + 1;
END;
CREATE TRIGGER tally_staff_item_resolved AFTER UPDATE OF status ON staff_queue WHEN OLD.status <> NEW.status BEGIN
    UPDATE tallies SET value = value - 1 WHERE metric = 'staff_queue' AND label = OLD.status AND shard = 0;
    INSERT INTO tallies (metric, label, value) VALUES ('staff_queue', NEW.status, 1)
        ON CONFLICT (metric, label, shard) DO UPDATE SET value = value + 1;
END;
