-- Stuck orders (the digest, the board's `?stuck=1`) found by their age (issue #18): the
-- orders of a state opened, or submitted, before a cut-off, the longest waiting first.
-- Through `orders_by_state` the database read every order of the state to keep the old
-- ones: 32 ms on PostgreSQL for 30,000 orders awaiting documents, nearly all new.
CREATE INDEX orders_by_state_opened ON orders (state, opened_at, id);
CREATE INDEX orders_by_state_submitted ON orders (state, submitted_at, id) WHERE submitted_at IS NOT NULL;
