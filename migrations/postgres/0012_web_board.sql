-- The web board (issue #17): staff accounts and their sign-in sessions, the indexes the
-- board's filters and calendar read through, and each day's moves between states (the
-- "orders per state over time" chart reads days, not history).

CREATE TABLE staff_accounts (
    name          TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,       -- argon2id, PHC string
    role          TEXT NOT NULL,       -- staff | read-only
    created_at    TIMESTAMPTZ NOT NULL
);

-- A session is known by the SHA-256 of its cookie: the database never holds a usable one.
CREATE TABLE web_sessions (
    id_hash    TEXT PRIMARY KEY,
    staff_name TEXT NOT NULL REFERENCES staff_accounts (name) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX web_sessions_by_staff ON web_sessions (staff_name);

CREATE INDEX orders_by_customer ON orders (customer, id);
-- The calendar: open orders by port date.
CREATE INDEX orders_by_port_day ON orders (state, foc_date, id) WHERE foc_date IS NOT NULL;

-- How many orders entered and left each state on each day (UTC). Each connection moves
-- its own shard (as the tallies do), so replicas do not wait on one hot row.
CREATE TABLE state_days (
    day     DATE    NOT NULL,
    state   TEXT    NOT NULL,
    shard   INTEGER NOT NULL DEFAULT 0,
    entered BIGINT  NOT NULL DEFAULT 0,
    exited  BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (day, state, shard)
);
-- A desk that ran before this: each order counts as having entered its present state
-- on the day of its last change (what is known of its past without reading history).
INSERT INTO state_days (day, state, entered) SELECT CAST(updated_at AT TIME ZONE 'UTC' AS DATE), state, COUNT(*) FROM orders GROUP BY 1, 2;

CREATE FUNCTION state_day_change() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE
    today DATE := (NEW.updated_at AT TIME ZONE 'UTC')::date;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.state IS NOT DISTINCT FROM NEW.state THEN
            RETURN NULL;
        END IF;
        INSERT INTO state_days (day, state, shard, exited) VALUES (today, OLD.state, pg_backend_pid() % 16, 1)
            ON CONFLICT (day, state, shard) DO UPDATE SET exited = state_days.exited + 1;
    END IF;
    INSERT INTO state_days (day, state, shard, entered) VALUES (today, NEW.state, pg_backend_pid() % 16, 1)
        ON CONFLICT (day, state, shard) DO UPDATE SET entered = state_days.entered + 1;
    RETURN NULL;
END;
$$;

-- Only a real move runs the function: most saves (a reminder, a note) keep the state.
CREATE TRIGGER state_day_opened AFTER INSERT ON orders
    FOR EACH ROW EXECUTE FUNCTION state_day_change();
CREATE TRIGGER state_day_moved AFTER UPDATE OF state ON orders
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION state_day_change();
