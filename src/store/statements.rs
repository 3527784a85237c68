//! The SQL statements both backends share, by name (`$N` placeholders mean the same on
//! SQLite and PostgreSQL).

use std::sync::LazyLock;

pub const ORDER_COLUMNS: &str = "o.id, o.version, o.state, o.customer, o.carrier, o.kind, o.account_number, o.btn, \
    o.pin, o.account_name, o.service_address, o.authorized_name, o.contract_end, o.time_zone, o.loa_signed_at, o.bill, \
    o.bill_received_at, o.submitted_at, o.foc_date, o.reject_code, o.reject_reason, o.opened_at, o.updated_at, o.rejected_at, \
    o.requested_date, o.supplements, o.new_btn";

/// Binds as `bind_order!` binds: $1 id, $2 version, then the columns in order.
pub const INSERT_ORDER: &str = "INSERT INTO orders (id, version, state, customer, carrier, kind, account_number, btn, \
    pin, account_name, service_address, authorized_name, contract_end, time_zone, loa_signed_at, bill, \
    bill_received_at, submitted_at, foc_date, reject_code, reject_reason, opened_at, updated_at, rejected_at, \
    requested_date, supplements, new_btn) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
    $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)";

/// A new order's attention time ($2, or none): every order has its row in
/// `order_attention`, kept off the orders table so that a reminder's update of the
/// order changes none of its indexed columns (migration 18).
pub const INSERT_ATTENTION: &str = "INSERT INTO order_attention (order_id, attention_at) VALUES ($1, $2)";

/// How an attention time is written: over the order's row in `order_attention`, or as
/// its first (an order copied in by SQL may have none yet).
macro_rules! attention_kept {
    () => {
        "ON CONFLICT (order_id) DO UPDATE SET attention_at = excluded.attention_at"
    };
}

/// An order's update, bound as `INSERT_ORDER` binds: it changes a row only while the
/// order still has the version it was loaded with. The statements below are built on it.
macro_rules! update_order {
    () => {
        "UPDATE orders SET version = $2 + 1, state = $3, customer = $4, carrier = $5, \
    kind = $6, account_number = $7, btn = $8, pin = $9, account_name = $10, service_address = $11, \
    authorized_name = $12, contract_end = $13, time_zone = $14, loa_signed_at = $15, bill = $16, \
    bill_received_at = $17, submitted_at = $18, foc_date = $19, reject_code = $20, reject_reason = $21, \
    opened_at = $22, updated_at = $23, rejected_at = $24, requested_date = $25, supplements = $26, \
    new_btn = $27 WHERE id = $1 AND version = $2"
    };
}

/// The order's update (`update_order!`, $1–$27) with its attention time ($28, in
/// `order_attention`), the change's once-key ($29, or none) and timeline entry
/// ($30 at, $31 source, $32 event, $33 text) written by the same statement (PostgreSQL's
/// data-modifying `WITH`), which also takes the advisory lock of each recipient in $34
/// (a line each, sorted, so that two transactions never wait on each other) whose daily
/// limit the change's e-mails count next: the number of orders updated, 0 when the
/// version moved on.
pub const UPDATE_ORDER_WITH_ENTRY: &str = concat!(
    "WITH o AS (",
    update_order!(),
    " RETURNING id), \
    a AS (INSERT INTO order_attention (order_id, attention_at) SELECT id, CAST($28 AS TIMESTAMPTZ) FROM o ",
    attention_kept!(),
    "), \
    k AS (INSERT INTO once_keys (key, order_id, at) SELECT CAST($29 AS TEXT), id, $30 FROM o WHERE $29 IS NOT NULL), \
    t AS (INSERT INTO timeline (order_id, at, source, event, text) SELECT id, $30, $31, $32, $33 FROM o), \
    l AS (SELECT pg_advisory_xact_lock(hashtext(r)) FROM unnest(string_to_array(CAST($34 AS TEXT), chr(10))) AS r) \
    SELECT (SELECT COUNT(*) FROM o), (SELECT COUNT(*) FROM l)"
);

/// The same binds and result as `UPDATE_ORDER_WITH_ENTRY`, in SQLite's words: four
/// statements sent as one (no data-modifying `WITH` there), the entry and the once-key
/// each written only when the one before it changed a row (`changes()`), so only with
/// the order, and the attention time only when the order has the new version. No locks:
/// SQLite's writers take turns. A row (1) when the order was updated, none when its
/// version moved on (and the caller rolls the transaction back).
pub const UPDATE_ORDER_WITH_ENTRY_SQLITE: &str = concat!(
    update_order!(),
    "; INSERT INTO timeline (order_id, at, source, event, text) SELECT $1, $30, $31, $32, $33 \
    WHERE changes() = 1 RETURNING 1; \
    INSERT INTO once_keys (key, order_id, at) SELECT CAST($29 AS TEXT), $1, $30 \
    WHERE $29 IS NOT NULL AND changes() = 1; \
    INSERT INTO order_attention (order_id, attention_at) SELECT $1, $28 \
    WHERE EXISTS (SELECT 1 FROM orders WHERE id = $1 AND version = $2 + 1) ",
    attention_kept!()
);

pub const INSERT_TIMELINE: &str =
    "INSERT INTO timeline (order_id, at, source, event, text) VALUES ($1, $2, $3, $4, $5)";

/// How a mailbox checkpoint moves: forward within one UIDVALIDITY; a new UIDVALIDITY
/// starts over.
macro_rules! checkpoint_moves {
    () => {
        "ON CONFLICT (mailbox) DO UPDATE SET uidvalidity = excluded.uidvalidity, \
    last_uid = excluded.last_uid WHERE mailbox_checkpoints.uidvalidity <> excluded.uidvalidity \
    OR mailbox_checkpoints.last_uid < excluded.last_uid"
    };
}

/// A message recorded ($1 mailbox, $2 UIDVALIDITY, $3 UID, then what it was).
macro_rules! insert_inbound {
    () => {
        "INSERT INTO inbound_messages (mailbox, uidvalidity, uid, message_id, order_id, received_at, sender, \
    subject, kind, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    };
}

/// A mailbox's checkpoint moved to a UID.
pub const UPSERT_CHECKPOINT: &str = concat!(
    "INSERT INTO mailbox_checkpoints (mailbox, uidvalidity, last_uid) VALUES ($1, $2, $3) ",
    checkpoint_moves!()
);

/// The message recorded and, for one from a mailbox (a UIDVALIDITY, $2, not 0), the
/// mailbox's checkpoint moved to its UID, in one statement (PostgreSQL's data-modifying
/// `WITH`). A message already recorded fails it
/// with a unique violation (its mailbox and UID, or its Message-ID).
pub const INSERT_INBOUND_AND_CHECKPOINT: &str = concat!(
    "WITH m AS (",
    insert_inbound!(),
    " RETURNING 1) INSERT INTO mailbox_checkpoints (mailbox, uidvalidity, last_uid) SELECT $1, $2, $3 FROM m WHERE $2 <> 0 ",
    checkpoint_moves!()
);

/// The same in SQLite's words: two statements sent as one.
pub const INSERT_INBOUND_AND_CHECKPOINT_SQLITE: &str = concat!(
    insert_inbound!(),
    "; INSERT INTO mailbox_checkpoints (mailbox, uidvalidity, last_uid) SELECT $1, $2, $3 WHERE $2 <> 0 ",
    checkpoint_moves!()
);

/// An order's numbers and contacts in one statement (`rows::LineRow`): this, the ids,
/// `)`, `AND_CONTACTS_OF_ORDERS`, the same ids again and `)`.
pub const NUMBERS_OF_ORDERS: &str =
    "SELECT order_id, position, FALSE AS contact, number AS value, number_type, status, \
     route AS note, active AS flag FROM order_numbers WHERE order_id IN (";
pub const AND_CONTACTS_OF_ORDERS: &str =
    " UNION ALL SELECT order_id, position, TRUE, email, NULL, NULL, language, failing \
     FROM order_contacts WHERE order_id IN (";

/// Ids bound in one `IN (...)`: far under SQLite's 32,766 and PostgreSQL's 65,535.
pub const IDS_PER_QUERY: usize = 1_000;

pub const INSERT_STAFF_ITEM: &str = "INSERT INTO staff_queue (message_id, order_id, sender, subject, kind, reason, \
    raw, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8) RETURNING id";

pub const STAFF_ITEM_COLUMNS: &str =
    "id, message_id, order_id, sender, subject, kind, reason, status, created_at, resolved_by";

pub const INSERT_DOCUMENT: &str = "INSERT INTO order_documents (order_id, name, content_type, bytes, message_id, \
    received_at) VALUES ($1, $2, $3, $4, $5, $6)";

pub const OUTBOX_COLUMNS: &str = "id, channel, recipient, order_id, template, subject, body, status, attempts, \
    last_error, created_at, sent_at, html, message_id, in_reply_to, refs, calendar, send_after, next_attempt_at";

/// The due, unclaimed messages of a channel ($3), at $4, at most $5.
pub const DUE_OUTBOX: &str = "SELECT id FROM outbox WHERE channel = $3 AND status = 'pending' \
    AND (send_after IS NULL OR send_after <= $4) AND (next_attempt_at IS NULL OR next_attempt_at <= $4) \
    AND (claimed_until IS NULL OR claimed_until <= $4) ORDER BY id LIMIT $5";

pub const OUTBOX: &str = "SELECT id, channel, recipient, order_id, template, subject, body, status, attempts, \
    last_error, created_at, sent_at, html, message_id, in_reply_to, refs, calendar, send_after, next_attempt_at \
    FROM outbox WHERE ($1 OR status NOT IN ('sent', 'withdrawn')) ORDER BY id";

/// E-mails to one recipient queued since a time and not withdrawn: the daily limit's
/// count, served by `outbox_daily_limit` alone.
macro_rules! emails_to_since {
    ($recipient:literal, $since:literal) => {
        concat!(
            "SELECT COUNT(*) FROM outbox WHERE recipient = ",
            $recipient,
            " AND channel = 'email' AND created_at >= ",
            $since,
            " AND status <> 'withdrawn'"
        )
    };
}

/// The daily limit's count for one recipient ($1) since $2.
pub const EMAILS_TO_SINCE: &str = emails_to_since!("$1", "$2");

/// One order ($1 its id) and its numbers and contacts in one statement: the order's
/// columns on each row beside one line (`line_*`: a number or a contact, as in
/// `NUMBERS_OF_ORDERS`; NULL when the order has none). Read by `rows::OrderLines`.
pub static ORDER_WITH_LINES: LazyLock<String> = LazyLock::new(|| order_with_lines(false));

/// The same with what writing to the order's contacts needs (`mail_history`'s answer),
/// $2 since when the daily limit counts: each contact line's e-mails since then
/// (`line_sent`), and on every row the last message any contact sent about the order.
pub static ORDER_WITH_MAIL: LazyLock<String> = LazyLock::new(|| order_with_lines(true));

fn order_with_lines(mail: bool) -> String {
    let (sent, last) = match mail {
        true => (
            format!("({})", emails_to_since!("c.email", "$2")),
            "(SELECT m.message_id FROM inbound_messages m WHERE m.order_id = $1 AND EXISTS (SELECT 1 \
             FROM order_contacts s WHERE s.order_id = $1 AND s.email = m.sender) ORDER BY m.id DESC LIMIT 1)",
        ),
        false => ("CAST(0 AS BIGINT)".to_string(), "CAST(NULL AS TEXT)"),
    };
    format!(
        "SELECT {ORDER_COLUMNS}, l.position AS line_position, l.contact AS line_contact, l.value AS line_value, \
         l.number_type AS line_number_type, l.status AS line_status, l.note AS line_note, l.flag AS line_flag, \
         l.sent AS line_sent, {last} AS last_message FROM orders o LEFT JOIN (\
         SELECT position, FALSE AS contact, number AS value, number_type, status, route AS note, active AS flag, \
         CAST(0 AS BIGINT) AS sent FROM order_numbers WHERE order_id = $1 \
         UNION ALL SELECT c.position, TRUE, c.email, NULL, NULL, c.language, c.failing, {sent} \
         FROM order_contacts c WHERE c.order_id = $1) l ON TRUE WHERE o.id = $1"
    )
}

/// What writing to an order's contacts needs, in one round trip: the last message of
/// any of its `contacts` on the order (or NULL), then the e-mails each of `working`
/// contacts got since then, a column each. $1 the order's id, $2 since when, then the
/// contacts' addresses, then the working contacts' addresses.
pub fn mail_history(contacts: usize, working: usize) -> String {
    let address = |n: usize| format!("${}", n + 3);
    let last = match contacts {
        0 => "CAST(NULL AS TEXT)".to_string(),
        _ => format!(
            "(SELECT message_id FROM inbound_messages WHERE order_id = $1 AND sender IN ({}) ORDER BY id DESC LIMIT 1)",
            (0..contacts).map(address).collect::<Vec<_>>().join(", ")
        ),
    };
    let mut columns = vec![last];
    for n in contacts..contacts + working {
        columns.push(format!(
            "({})",
            emails_to_since!("RECIPIENT", "$2").replace("RECIPIENT", &address(n))
        ));
    }
    format!("SELECT {}", columns.join(", "))
}

/// The columns of an outbox row a change queues, in the order `queue_outbox` binds them.
const QUEUED_COLUMNS: &str =
    "channel, recipient, order_id, template, subject, body, status, created_at, html, message_id, in_reply_to, refs, \
    calendar, send_after";

/// Binds a queued draft takes: its columns, then its recipient's daily limit (or NULL)
/// and how many e-mails to that recipient under the limit come before it in the change.
const QUEUED_BINDS: usize = 16;

/// Drafts queued by one statement at most: 16,000 binds, under SQLite's 32,766 and
/// PostgreSQL's 65,535 whatever a change carries.
pub const DRAFTS_PER_STATEMENT: usize = 1_000;

/// Queues `drafts` outbox rows in one statement, each bound as `QUEUED_BINDS` values,
/// then since when the daily limit counts. A draft under a daily limit is kept only if
/// its recipient's count since then, plus the e-mails to it before it in the statement,
/// is below the limit (those of the change's earlier statements are in the table): the caller counts in a transaction that holds the recipient
/// (SQLite's one writer, PostgreSQL's advisory lock taken by an earlier statement, so
/// that this statement sees every e-mail queued before the lock was had). Returns the
/// (template, recipient) of each row queued.
pub fn queue_outbox(drafts: usize) -> String {
    let rows: Vec<String> = (0..drafts)
        .map(|d| {
            let binds: Vec<String> = (1..=QUEUED_BINDS)
                .map(|b| format!("${}", d * QUEUED_BINDS + b))
                .collect();
            format!("({})", binds.join(", "))
        })
        .collect();
    let since = format!("${}", drafts * QUEUED_BINDS + 1);
    format!(
        "WITH d ({QUEUED_COLUMNS}, daily_limit, before_it) AS (VALUES {}) \
         INSERT INTO outbox ({QUEUED_COLUMNS}) SELECT {QUEUED_COLUMNS} FROM d \
         WHERE d.daily_limit IS NULL OR d.before_it + ({}) < d.daily_limit RETURNING template, recipient",
        rows.join(", "),
        emails_to_since!("d.recipient", "SINCE").replace("SINCE", &since)
    )
}

/// A page of the tick's queue taken: orders whose attention time has come ($1),
/// earliest first, at most $3, held until $2; `order_attention_due` serves it. SQLite
/// has one writer at a time; PostgreSQL adds `FOR UPDATE SKIP LOCKED` (`claim_attention`).
pub const CLAIM_ATTENTION: &str = "UPDATE order_attention SET attention_at = $2 WHERE order_id IN (\
    SELECT order_id FROM order_attention WHERE attention_at IS NOT NULL AND attention_at <= $1 \
    ORDER BY attention_at, order_id LIMIT $3) RETURNING order_id";

/// An order's attention time ($3, or none) set while it still has version $2 (SQLite's
/// text; PostgreSQL's names the type of $3, which it cannot tell from a `SELECT`).
pub const SET_ATTENTION: &str = concat!(
    "INSERT INTO order_attention (order_id, attention_at) SELECT id, $3 FROM orders WHERE id = $1 AND version = $2 ",
    attention_kept!()
);

/// The same on PostgreSQL.
pub const SET_ATTENTION_POSTGRES: &str = concat!(
    "INSERT INTO order_attention (order_id, attention_at) SELECT id, CAST($3 AS TIMESTAMPTZ) FROM orders \
    WHERE id = $1 AND version = $2 ",
    attention_kept!()
);

/// A new PostgreSQL connection's tally shard: the next of 64, so that a desk's
/// connections do not wait on each other to count (migration 17); none before that
/// migration has run, when `tally()` takes the backend's pid instead.
pub const TAKE_TALLY_SHARD: &str = "SELECT set_config('portbot.tally_shard', \
    COALESCE(CAST(nextval(to_regclass('tally_shards')) % 64 AS TEXT), ''), false)";

/// Every tally, its shards added up (migration 8: kept by triggers with each change).
pub const TALLIES: &str =
    "SELECT metric, label, CAST(SUM(value) AS BIGINT) FROM tallies GROUP BY metric, label ORDER BY metric, label";

/// The inbound messages taken, from their tally.
pub const INBOUND_TALLY: &str = "SELECT CAST(COALESCE(SUM(value), 0) AS BIGINT) FROM tallies WHERE metric = 'inbound'";

/// A carrier's ($1) FOC confirmations among the desk's latest 2,000, with their
/// orders' submissions: the estimate in status answers and reminders. Bounded whatever
/// the history: the newest FOC entries through the timeline's index by event, then their orders
/// by key.
pub const CARRIER_FOCS: &str = "SELECT o.id, o.submitted_at, t.at FROM \
    (SELECT id, order_id, at FROM timeline WHERE event = 'foc_confirmed' ORDER BY id DESC LIMIT 2000) t \
    JOIN orders o ON o.id = t.order_id WHERE o.carrier = $1 AND o.submitted_at IS NOT NULL \
    ORDER BY t.id DESC LIMIT 200";

/// An event's newest $2 entries, (order id, event, at), through the timeline's index by event
/// (the ORDER BY is the index's, so that each backend walks it).
pub const NEWEST_OF_EVENT: &str = "SELECT order_id, event, at FROM timeline WHERE event = $1 \
    ORDER BY event DESC, id DESC LIMIT $2";

/// What follows the state in the condition of the orders whose routing is not confirmed.
macro_rules! before_port_with_a_number_unrouted {
    () => {
        " IN ('awaiting_documents', 'ready', 'submitted', 'rejected', 'foc_confirmed') \
         AND EXISTS (SELECT 1 FROM order_numbers n WHERE n.order_id = o.id \
         AND n.route IS NULL AND n.status = 'pending')"
    };
}

/// The orders whose routing is not confirmed (the board's `?routing=1`): before their
/// port, with a pending number that has no route. PostgreSQL reads the orders newest
/// first and stops at the page.
pub const ROUTING_UNCONFIRMED: &str = concat!(" AND o.state", before_port_with_a_number_unrouted!());

/// The same for SQLite, its state written `+o.state` so that SQLite does not look the
/// orders up by state: it would read every open order that way and sort them all for
/// the newest page (39.6 ms at 100,000 orders in `desk_scale`, 16,700 of them open),
/// where reading the orders newest first stops at the page, as PostgreSQL does.
pub const ROUTING_UNCONFIRMED_SQLITE: &str = concat!(" AND +o.state", before_port_with_a_number_unrouted!());

/// The calendar's open orders from $1 to $2 by port date, at most $3, through
/// `orders_by_port_day`; whether a live number still has no route, looked up by each
/// order's numbers. (Asked as `EXISTS`, PostgreSQL planned a month of a few hundred port
/// days as one hash of every unrouted number on the desk, read whole: 35 ms at 100,000
/// orders in `desk_scale`. A subquery with `LIMIT` is never hashed.)
pub const PORT_DAYS: &str = "SELECT o.id, o.customer, o.state, o.foc_date, \
    COALESCE((SELECT TRUE FROM order_numbers n WHERE n.order_id = o.id AND n.route IS NULL \
    AND n.status = 'pending' LIMIT 1), FALSE) \
    FROM orders o WHERE o.state IN ('submitted', 'rejected', 'foc_confirmed') \
    AND o.foc_date >= $1 AND o.foc_date <= $2 ORDER BY o.foc_date, o.id LIMIT $3";
