-- The daily limit's count (issue #18): e-mails to one recipient queued since a time and
-- not withdrawn, counted before every customer e-mail. An index holding exactly those
-- rows answers it alone. With only (recipient, created_at), PostgreSQL's generic plan
-- for the prepared count, made while the outbox was small, also read the
-- (channel, status, id) index: every e-mail queued, once per reminder, so a morning's
-- reminders cost more the more of them were already queued.
CREATE INDEX outbox_daily_limit ON outbox (recipient, created_at)
    WHERE channel = 'email' AND status <> 'withdrawn';
DROP INDEX outbox_by_recipient;
