-- The inbox (issue #4): where each mailbox has been read up to, what each message was,
-- the messages handed to a person, the documents messages brought, and contacts whose
-- mail bounces.

ALTER TABLE order_contacts ADD COLUMN failing BOOLEAN NOT NULL DEFAULT FALSE;

-- What each inbound message was and what the desk did with it.
ALTER TABLE inbound_messages ADD COLUMN sender  TEXT NOT NULL DEFAULT '';
ALTER TABLE inbound_messages ADD COLUMN subject TEXT NOT NULL DEFAULT '';
ALTER TABLE inbound_messages ADD COLUMN kind    TEXT NOT NULL DEFAULT '';
ALTER TABLE inbound_messages ADD COLUMN outcome TEXT NOT NULL DEFAULT '';

-- The highest UID applied per mailbox, written in the same transaction as the message.
CREATE TABLE mailbox_checkpoints (
    mailbox     TEXT    PRIMARY KEY,
    uidvalidity BIGINT  NOT NULL,
    last_uid    BIGINT  NOT NULL
);

-- Messages that need a person: kept whole, until staff attach them to an order or
-- dismiss them.
CREATE TABLE staff_queue (
    id          BIGSERIAL   PRIMARY KEY,
    message_id  TEXT    NOT NULL,
    order_id    BIGINT  REFERENCES orders (id),   -- the order it is filed on, if any
    sender      TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    raw         BYTEA    NOT NULL,                 -- the message as it arrived
    status      TEXT    NOT NULL,                 -- open | attached | dismissed
    created_at  TIMESTAMPTZ NOT NULL,
    resolved_at TIMESTAMPTZ,
    resolved_by TEXT
);
CREATE INDEX staff_queue_by_status ON staff_queue (status, id);

-- Files customers sent for an order (their bills), as they arrived.
CREATE TABLE order_documents (
    id           BIGSERIAL   PRIMARY KEY,
    order_id     BIGINT  NOT NULL REFERENCES orders (id),
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    bytes        BYTEA    NOT NULL,
    message_id   TEXT    NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX order_documents_by_order ON order_documents (order_id, id);
