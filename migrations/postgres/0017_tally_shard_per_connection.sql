-- Each connection counts into a tally shard of its own (issue #18). The shard was the
-- backend's pid modulo 16: two of a desk's connections often shared one (11 shards
-- for the 8 to 16 connections of the bench's replicas), and then every reminder of the
-- one waited for the other's transaction to commit before it could count its own
-- (`Lock:transactionid` was a sixth of the active backends' samples in a two-replica
-- morning). A connection now takes the next of 64 shards when it opens
-- (`PgStore::connect`), so up to 64 connections never share one; a connection opened
-- before this migration keeps the pid's shard.
CREATE SEQUENCE tally_shards;

CREATE OR REPLACE FUNCTION tally(m TEXT, l TEXT, delta BIGINT) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO tallies (metric, label, shard, value)
        VALUES (m, l, COALESCE(NULLIF(current_setting('portbot.tally_shard', true), '')::INTEGER,
                               pg_backend_pid() % 64), delta)
        ON CONFLICT (metric, label, shard) DO UPDATE SET value = tallies.value + delta;
END;
$$;
