-- The port desk: orders, their numbers and contacts, the timeline, the inbound log
-- and the outbox.

-- Order references are handed out from here: PORT-1001 is the first.
CREATE SEQUENCE order_refs START WITH 1001;

CREATE TABLE orders (
    id               BIGINT      PRIMARY KEY,  -- the digits of PORT-<id>
    version          BIGINT      NOT NULL,
    state            TEXT        NOT NULL,
    customer         TEXT        NOT NULL,
    carrier          TEXT        NOT NULL,
    kind             TEXT        NOT NULL,
    account_number   TEXT,
    btn              TEXT,
    pin              TEXT,
    account_name     TEXT,
    service_address  TEXT,
    authorized_name  TEXT,
    contract_end     DATE,
    time_zone        TEXT        NOT NULL,
    loa_signed_at    TIMESTAMPTZ,
    bill             TEXT,                     -- the bill's fields as JSON
    bill_received_at TIMESTAMPTZ,
    submitted_at     TIMESTAMPTZ,
    foc_date         DATE,
    reject_code      TEXT,
    reject_reason    TEXT,
    opened_at        TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX orders_by_state ON orders (state, id);

CREATE TABLE order_numbers (
    order_id    BIGINT  NOT NULL REFERENCES orders (id),
    position    BIGINT  NOT NULL,
    number      TEXT    NOT NULL,              -- E.164
    number_type TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    route       TEXT,
    active      BOOLEAN NOT NULL,              -- on an open order
    PRIMARY KEY (order_id, number)
);
-- A number is on one open order at a time.
CREATE UNIQUE INDEX numbers_on_open_orders ON order_numbers (number) WHERE active;
CREATE INDEX order_numbers_by_number ON order_numbers (number, order_id);

CREATE TABLE order_contacts (
    order_id BIGINT NOT NULL REFERENCES orders (id),
    position BIGINT NOT NULL,
    email    TEXT   NOT NULL,
    PRIMARY KEY (order_id, email)
);
CREATE INDEX order_contacts_by_email ON order_contacts (email);

CREATE TABLE timeline (
    id       BIGSERIAL   PRIMARY KEY,
    order_id BIGINT      NOT NULL REFERENCES orders (id),
    at       TIMESTAMPTZ NOT NULL,
    source   TEXT        NOT NULL,
    event    TEXT        NOT NULL,
    text     TEXT        NOT NULL
);
CREATE INDEX timeline_by_order ON timeline (order_id, id);

-- Every message that came in, once: by its place in the mailbox and by Message-ID.
CREATE TABLE inbound_messages (
    id          BIGSERIAL   PRIMARY KEY,
    mailbox     TEXT        NOT NULL,
    uidvalidity BIGINT      NOT NULL,
    uid         BIGINT      NOT NULL,
    message_id  TEXT        NOT NULL,
    order_id    BIGINT      REFERENCES orders (id),
    received_at TIMESTAMPTZ NOT NULL,
    UNIQUE (mailbox, uidvalidity, uid),
    UNIQUE (message_id)
);

CREATE TABLE outbox (
    id         BIGSERIAL   PRIMARY KEY,
    channel    TEXT        NOT NULL,           -- email | chat
    recipient  TEXT        NOT NULL,
    order_id   BIGINT      REFERENCES orders (id),
    template   TEXT        NOT NULL,
    subject    TEXT        NOT NULL,
    body       TEXT        NOT NULL,
    status     TEXT        NOT NULL,           -- pending | sent | failed
    attempts   BIGINT      NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    sent_at    TIMESTAMPTZ
);
CREATE INDEX outbox_pending ON outbox (status, id);
