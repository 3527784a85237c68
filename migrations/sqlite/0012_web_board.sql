-- The web board (issue #17): staff accounts and their sign-in sessions, the indexes the
-- board's filters and calendar read through, and each day's moves between states (the
-- "orders per state over time" chart reads days, not history).

CREATE TABLE staff_accounts (
    name          TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,       -- argon2id, PHC string
    role          TEXT NOT NULL,       -- staff | read-only
    created_at    TEXT NOT NULL
);

-- A session is known by the SHA-256 of its cookie: the database never holds a usable one.
CREATE TABLE web_sessions (
    id_hash    TEXT PRIMARY KEY,
    staff_name TEXT NOT NULL REFERENCES staff_accounts (name) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX web_sessions_by_staff ON web_sessions (staff_name);

CREATE INDEX orders_by_customer ON orders (customer, id);
-- The calendar: open orders by port date.
CREATE INDEX orders_by_port_day ON orders (state, foc_date, id) WHERE foc_date IS NOT NULL;

-- How many orders entered and left each state on each day (UTC).
CREATE TABLE state_days (
    day     TEXT    NOT NULL,
    state   TEXT    NOT NULL,
    shard   INTEGER NOT NULL DEFAULT 0,
    entered INTEGER NOT NULL DEFAULT 0,
    exited  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, state, shard)
);
-- A desk that ran before this: each order counts as having entered its present state
-- on the day of its last change (what is known of its past without reading history).
INSERT INTO state_days (day, state, entered) SELECT substr(updated_at, 1, 10), state, COUNT(*) FROM orders GROUP BY 1, 2;
CREATE TRIGGER state_day_opened AFTER INSERT ON orders BEGIN
    INSERT INTO state_days (day, state, entered) VALUES (substr(NEW.updated_at, 1, 10), NEW.state, 1)
        ON CONFLICT (day, state, shard) DO UPDATE SET entered = entered + 1;
END;
CREATE TRIGGER state_day_moved AFTER UPDATE OF state ON orders WHEN OLD.state <> NEW.state BEGIN
    INSERT INTO state_days (day, state, exited) VALUES (substr(NEW.updated_at, 1, 10), OLD.state, 1)
        ON CONFLICT (day, state, shard) DO UPDATE SET exited = exited + 1;
    INSERT INTO state_days (day, state, entered) VALUES (substr(NEW.updated_at, 1, 10), NEW.state, 1)
        ON CONFLICT (day, state, shard) DO UPDATE SET entered = entered + 1;
END;
