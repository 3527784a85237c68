-- Talking to customers (issue #5): each e-mail is rendered once and kept whole (so a
-- resend after a crash carries the same Message-ID), sent no earlier than its sending
-- window, retried with backoff, and claimed by one bot replica at a time. Reminders
-- and other once-only changes leave a key; the contact's language is kept.

ALTER TABLE outbox ADD COLUMN html            TEXT;
ALTER TABLE outbox ADD COLUMN message_id      TEXT;
ALTER TABLE outbox ADD COLUMN in_reply_to     TEXT;
ALTER TABLE outbox ADD COLUMN refs            TEXT;     -- Message-IDs, space separated
ALTER TABLE outbox ADD COLUMN calendar        TEXT;     -- an .ics invitation
ALTER TABLE outbox ADD COLUMN send_after      TIMESTAMPTZ; -- the sending window opens
ALTER TABLE outbox ADD COLUMN next_attempt_at TIMESTAMPTZ;     -- after a temporary failure
ALTER TABLE outbox ADD COLUMN claimed_until   TIMESTAMPTZ;     -- a replica is sending it
ALTER TABLE outbox ADD COLUMN claimed_by      TEXT;
CREATE INDEX outbox_by_channel ON outbox (channel, status, id);
CREATE INDEX outbox_by_recipient ON outbox (recipient, created_at);

ALTER TABLE order_contacts ADD COLUMN language TEXT;  -- en | es; NULL: English

-- Changes that happen once per occurrence (a reminder), whichever replica gets there first.
CREATE TABLE once_keys (
    key      TEXT    PRIMARY KEY,
    order_id BIGINT  REFERENCES orders (id),
    at       TIMESTAMPTZ NOT NULL
);
ALTER TABLE orders ADD COLUMN rejected_at TIMESTAMPTZ;
