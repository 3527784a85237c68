-- The port desk: orders, their numbers and contacts, the timeline, the inbound log
-- and the outbox. Times are UTC RFC 3339 text; dates are YYYY-MM-DD text.

-- Order references are handed out from here: PORT-1001 is the first.
CREATE TABLE order_refs (id INTEGER PRIMARY KEY AUTOINCREMENT);
INSERT INTO sqlite_sequence (name, seq) VALUES ('order_refs', 1000);

CREATE TABLE orders (
    id               INTEGER PRIMARY KEY,  -- the digits of PORT-<id>
    version          INTEGER NOT NULL,
    state            TEXT    NOT NULL,
    customer         TEXT    NOT NULL,
    carrier          TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    account_number   TEXT,
    btn              TEXT,
    pin              TEXT,
    account_name     TEXT,
    service_address  TEXT,
    authorized_name  TEXT,
    contract_end     TEXT,
    time_zone        TEXT    NOT NULL,
    loa_signed_at    TEXT,
    bill             TEXT,                 -- the bill's fields as JSON
    bill_received_at TEXT,
    submitted_at     TEXT,
    foc_date         TEXT,
    reject_code      TEXT,
    reject_reason    TEXT,
    opened_at        TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);
CREATE INDEX orders_by_state ON orders (state, id);

CREATE TABLE order_numbers (
    order_id    INTEGER NOT NULL REFERENCES orders (id),
    position    INTEGER NOT NULL,
    number      TEXT    NOT NULL,          -- E.164
    number_type TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    route       TEXT,
    active      BOOLEAN NOT NULL,          -- on an open order
    PRIMARY KEY (order_id, number)
);
-- A number is on one open order at a time.
CREATE UNIQUE INDEX numbers_on_open_orders ON order_numbers (number) WHERE active;
CREATE INDEX order_numbers_by_number ON order_numbers (number, order_id);

CREATE TABLE order_contacts (
    order_id INTEGER NOT NULL REFERENCES orders (id),
    position INTEGER NOT NULL,
    email    TEXT    NOT NULL,
    PRIMARY KEY (order_id, email)
);
CREATE INDEX order_contacts_by_email ON order_contacts (email);

CREATE TABLE timeline (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id INTEGER NOT NULL REFERENCES orders (id),
    at       TEXT    NOT NULL,
    source   TEXT    NOT NULL,
    event    TEXT    NOT NULL,
    text     TEXT    NOT NULL
);
CREATE INDEX timeline_by_order ON timeline (order_id, id);

-- Every message that came in, once: by its place in the mailbox and by Message-ID.
CREATE TABLE inbound_messages (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    mailbox     TEXT    NOT NULL,
    uidvalidity INTEGER NOT NULL,
    uid         INTEGER NOT NULL,
    message_id  TEXT    NOT NULL,
    order_id    INTEGER REFERENCES orders (id),
    received_at TEXT    NOT NULL,
    UNIQUE (mailbox, uidvalidity, uid),
    UNIQUE (message_id)
);

CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    channel    TEXT    NOT NULL,           -- email | chat
    recipient  TEXT    NOT NULL,
    order_id   INTEGER REFERENCES orders (id),
    template   TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    status     TEXT    NOT NULL,           -- pending | sent | failed
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at TEXT    NOT NULL,
    sent_at    TEXT
);
CREATE INDEX outbox_pending ON outbox (status, id);
