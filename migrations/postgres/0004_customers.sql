-- Customer accounts and the billing portal's port requests (issue #7).

CREATE TABLE customers (
    account           TEXT    PRIMARY KEY,
    company           TEXT    NOT NULL,
    onboarded         BOOLEAN NOT NULL,
    time_zone         TEXT    NOT NULL,
    temporary_numbers TEXT    NOT NULL,          -- E.164, space separated
    created_at        TIMESTAMPTZ NOT NULL
);

CREATE TABLE customer_contacts (
    account  TEXT    NOT NULL REFERENCES customers (account),
    position BIGINT  NOT NULL,
    email    TEXT    NOT NULL,
    name     TEXT,
    language TEXT    NOT NULL,
    PRIMARY KEY (account, email)
);

-- Each portal submission once, by its request_id, with the answer it got: a retried
-- POST gets the same answer and opens nothing.
CREATE TABLE port_requests (
    request_id  TEXT    PRIMARY KEY,
    customer    TEXT    NOT NULL,
    body_hash   TEXT    NOT NULL,
    status      TEXT    NOT NULL,                -- opened | held
    http_status BIGINT  NOT NULL,
    response    TEXT    NOT NULL,                -- the JSON answered
    received_at TIMESTAMPTZ NOT NULL
);
