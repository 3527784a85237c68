//! A desk that does not slow down with its history (issue #18): each hot query is served
//! by an index on both backends; `/metrics` reads tallies kept with each change, and they
//! agree with a count of the tables; a tick that fails says so in `/healthz` and tells
//! staff once.

use crate::harness::{Backend, TestDesk};
use crate::story::{acme_request, submitted};
use portbot::clock::Clock;
use portbot::domain::{Event, Source};
use portbot::store::statements;
use sqlx::{Connection, Executor, Row};

/// A hot query: what it is for, its SQL with `$N` parameters, and their values.
struct Hot {
    what: &'static str,
    sql: String,
    values: Vec<&'static str>,
}

fn hot(what: &'static str, sql: impl Into<String>, values: &[&'static str]) -> Hot {
    Hot {
        what,
        sql: sql.into(),
        values: values.to_vec(),
    }
}

/// What the database says it would do for a hot query, a line a step. On PostgreSQL the
/// plan is the generic one of the prepared statement, as the desk runs it: made once a
/// connection and kept, whatever the values (or the table's size) later.
async fn plan(t: &TestDesk, backend: Backend, query: &Hot) -> Vec<String> {
    match backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&t.store_url).await.unwrap();
            let sql = with(&query.sql, &query.values);
            let rows = sqlx::query(&format!("EXPLAIN QUERY PLAN {sql}"))
                .fetch_all(&mut c)
                .await
                .unwrap();
            rows.iter().map(|r| r.get::<String, _>("detail")).collect()
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&t.store_url).await.unwrap();
            // A near-empty table is read whole whatever its indexes: ask for the plan
            // it would take were reading it whole dear, as it is at a million rows.
            c.execute("SET enable_seqscan = off").await.unwrap();
            c.execute("SET plan_cache_mode = force_generic_plan").await.unwrap();
            // Parameters the statement does not use are declared (as text); the rest
            // take their types from the statement.
            let unused: Vec<&str> = (1..=query.values.len())
                .take_while(|n| !query.sql.contains(&format!("${n}")))
                .map(|_| "text")
                .collect();
            let declared = match unused.is_empty() {
                true => String::new(),
                false => format!("({})", unused.join(", ")),
            };
            c.execute(format!("PREPARE hot{declared} AS {}", query.sql).as_str())
                .await
                .unwrap();
            let execute = match query.values.is_empty() {
                true => "EXPLAIN EXECUTE hot".to_string(),
                false => format!("EXPLAIN EXECUTE hot({})", query.values.join(", ")),
            };
            let rows = sqlx::query(&execute).fetch_all(&mut c).await.unwrap();
            rows.iter().map(|r| r.get::<String, _>(0)).collect()
        }
    }
}

/// The steps of a plan that read a whole table (or a whole index) instead of looking up.
fn full_scans(plan: &[String]) -> Vec<String> {
    let mut scans = Vec::new();
    for (i, step) in plan.iter().enumerate() {
        // PostgreSQL writes a nested step "->  Seq Scan ...": the arrow, then two spaces.
        let step_text = step.trim_start().trim_start_matches("->").trim_start();
        // SQLite: SEARCH looks up, SCAN reads everything (a temporary B-tree is sorting),
        // but for the rows of a subquery, which it made by looking up, and the one row
        // of a SELECT with no table.
        if let Some(scanned) = step_text.strip_prefix("SCAN ").filter(|s| *s != "CONSTANT ROW") {
            let subquery = |l: &String| {
                l.ends_with(&format!("CO-ROUTINE {scanned}")) || l.ends_with(&format!("MATERIALIZE {scanned}"))
            };
            if !plan.iter().any(subquery) {
                scans.push(step.clone());
            }
        }
        // PostgreSQL: a sequential scan, or an index scan with no condition on the index,
        // or two indexes read and their rows intersected: neither serves the lookup alone
        // (one of them may be every row of a kind, read again at each call).
        if step_text.starts_with("Seq Scan") || step_text.starts_with("BitmapAnd") {
            scans.push(step.clone());
        }
        if step_text.contains("Index Scan") || step_text.contains("Index Only Scan") {
            let detail = plan[i + 1..].iter().take_while(|l| !l.contains("->"));
            if !detail.clone().any(|l| l.contains("Index Cond")) {
                scans.push(step.clone());
            }
        }
    }
    scans
}

/// The values of one e-mail `queue_outbox` queues, then since when its recipient's
/// daily limit counts: on PostgreSQL typed, as the store binds them.
fn queued_email(backend: Backend, now: &str) -> Vec<String> {
    let typed = |value: &str, kind: &str| match backend {
        Backend::Sqlite => value.to_string(),
        Backend::Postgres => format!("CAST({value} AS {kind})"),
    };
    let text = |value: &str| typed(value, "TEXT");
    vec![
        text("'email'"),
        text("'ops@acme.example'"),
        typed("7", "BIGINT"),
        text("'loa_reminder'"),
        text("'Your LOA'"),
        text("'Please sign'"),
        text("'pending'"),
        typed(now, "TIMESTAMPTZ"),
        text("'<p>Please sign</p>'"),
        text("'<r1@portbot.invalid>'"),
        text("NULL"),
        text("''"),
        text("NULL"),
        typed("NULL", "TIMESTAMPTZ"),
        typed("6", "BIGINT"),
        typed("0", "BIGINT"),
        typed(now, "TIMESTAMPTZ"),
    ]
}

/// `sql` with its parameters written in.
fn with(sql: &str, values: &[impl AsRef<str>]) -> String {
    let mut out = sql.to_string();
    for (n, value) in values.iter().enumerate().rev() {
        out = out.replace(&format!("${}", n + 1), value.as_ref());
    }
    out
}

async fn the_hot_queries_look_up_and_never_read_a_whole_table(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let now = "'2026-11-24T15:00:00+00:00'";
    let queries = [
        hot("the tick's queue", statements::CLAIM_ATTENTION, &[now, now, "500"]),
        hot(
            "the contacts' last message and e-mails today",
            statements::mail_history(2, 1),
            &["7", now, "'ops@acme.example'", "'ap@acme.example'", "'ops@acme.example'"],
        ),
        hot(
            "a reminder's e-mail queued under the daily limit",
            with(&statements::queue_outbox(1), &queued_email(backend, now)),
            &[],
        ),
        hot("a carrier's history", statements::CARRIER_FOCS, &["'AT&T'"]),
        hot(
            "the sender's due e-mails",
            statements::DUE_OUTBOX,
            &["''", "''", "'email'", now, "50"],
        ),
        hot(
            "an order's timeline",
            "SELECT order_id, at, source, event, text FROM timeline WHERE order_id IN ($1, $2)",
            &["7", "8"],
        ),
        hot(
            "the daily limit",
            statements::EMAILS_TO_SINCE,
            &["'ops@acme.example'", now],
        ),
        hot(
            "a number's order",
            "SELECT n.order_id FROM order_numbers n WHERE n.number = $1 ORDER BY n.order_id DESC",
            &["'+13055550100'"],
        ),
        hot(
            "a state's orders (order list, the digest)",
            "SELECT o.id FROM orders o WHERE TRUE AND o.state = $1 ORDER BY o.id DESC LIMIT 100",
            &["'rejected'"],
        ),
        hot("the metrics", statements::TALLIES, &[]),
        hot(
            "the orders awaiting documents too long (the digest, the board's stuck orders)",
            "SELECT o.id FROM orders o WHERE TRUE AND o.state = $1 AND o.opened_at < $2 ORDER BY o.opened_at, o.id LIMIT 100",
            &["'awaiting_documents'", now],
        ),
        hot(
            "the orders whose port date passed with no completion",
            "SELECT o.id FROM orders o WHERE TRUE AND o.state = $1 AND o.foc_date < $2 ORDER BY o.foc_date, o.id LIMIT 100",
            &["'foc_confirmed'", "'2026-11-24'"],
        ),
        hot(
            "the orders the carrier is silent on",
            "SELECT o.id FROM orders o WHERE TRUE AND o.state = $1 AND o.submitted_at < $2 ORDER BY o.submitted_at, o.id LIMIT 100",
            &["'submitted'", now],
        ),
    ];
    // The check itself sees a whole-table read: a lookup by a column with no index, alone
    // and inside a join (where PostgreSQL writes the step under an arrow).
    let unindexed = [
        hot(
            "a check of the check",
            "SELECT id FROM outbox WHERE subject = $1",
            &["'hello'"],
        ),
        hot(
            "a check of the check, nested",
            "SELECT o.id FROM orders o JOIN outbox x ON x.subject = o.customer WHERE o.id = $1",
            &["7"],
        ),
    ];
    for check in &unindexed {
        let steps = plan(&t, backend, check).await;
        assert!(!full_scans(&steps).is_empty(), "{}: {steps:?}", check.what);
    }
    for query in &queries {
        let what = query.what;
        let steps = plan(&t, backend, query).await;
        println!("{what} on {backend:?}:\n  {}", steps.join("\n  "));
        let scans = full_scans(&steps);
        // The tallies are a few rows whatever the desk's size: reading them all is the point.
        let scans: Vec<_> = scans.into_iter().filter(|s| !s.contains("tallies")).collect();
        assert!(
            scans.is_empty(),
            "{what} reads a whole table on {backend:?}:\n{}",
            steps.join("\n")
        );
    }
    // Stuck orders are found by their age, not by reading every order of their state.
    for query in queries.iter().filter(|q| q.what.starts_with("the orders")) {
        let steps = plan(&t, backend, query).await;
        let by_age = match backend {
            Backend::Sqlite => steps.iter().any(|s| s.contains("INDEX orders_by_") && s.contains("<?")),
            Backend::Postgres => steps.iter().any(|s| s.contains("Index Cond") && s.contains(" < ")),
        };
        assert!(
            by_age,
            "{} are not found by their age on {backend:?}:\n{}",
            query.what,
            steps.join("\n")
        );
    }
    // The daily limit is counted before every customer e-mail and again as it is queued:
    // from its own index alone, which holds only the e-mails it counts.
    for query in queries.iter().filter(|q| q.what.contains("daily limit")) {
        let steps = plan(&t, backend, query).await;
        assert!(
            steps.iter().any(|s| s.contains("outbox_daily_limit")) && !steps.iter().any(|s| s.contains("outbox_by")),
            "{}: the daily limit's count reads other indexes on {backend:?}:\n{}",
            query.what,
            steps.join("\n")
        );
    }
    t.finish().await;
}

on_both_backends!(the_hot_queries_look_up_and_never_read_a_whole_table);

/// Counts straight from the tables: what the tallies must agree with (of the staff queue,
/// `/metrics` reports the open items).
async fn counted(t: &TestDesk, backend: Backend) -> Vec<(String, String, i64)> {
    let sql = "SELECT 'orders', state, COUNT(*) FROM orders GROUP BY state \
        UNION ALL SELECT 'inbound', kind, COUNT(*) FROM inbound_messages GROUP BY kind \
        UNION ALL SELECT 'outbox', channel || ':' || status, COUNT(*) FROM outbox GROUP BY channel, status \
        UNION ALL SELECT 'timeline', event, COUNT(*) FROM timeline \
            WHERE event IN ('reminder_sent', 'staff_alerted') GROUP BY event \
        UNION ALL SELECT 'staff_queue', status, COUNT(*) FROM staff_queue WHERE status = 'open' GROUP BY status";
    let rows = match backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&t.store_url).await.unwrap();
            sqlx::query_as::<_, (String, String, i64)>(sql)
                .fetch_all(&mut c)
                .await
                .unwrap()
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&t.store_url).await.unwrap();
            sqlx::query_as::<_, (String, String, i64)>(sql)
                .fetch_all(&mut c)
                .await
                .unwrap()
        }
    };
    let mut rows = rows;
    rows.sort();
    rows
}

/// The store's tallies, without the ones at zero (a state no order is in any more).
async fn tallied(t: &TestDesk) -> Vec<(String, String, i64)> {
    let m = t.app.store.metrics().await.unwrap();
    let mut rows: Vec<(String, String, i64)> = Vec::new();
    rows.extend(m.orders_by_state.into_iter().map(|(l, v)| ("orders".to_string(), l, v)));
    rows.extend(
        m.inbound_by_kind
            .into_iter()
            .map(|(l, v)| ("inbound".to_string(), l, v)),
    );
    rows.extend(
        m.outbox
            .into_iter()
            .map(|(c, s, v)| ("outbox".to_string(), format!("{c}:{s}"), v)),
    );
    rows.push(("timeline".into(), "reminder_sent".into(), m.reminders_sent));
    rows.push(("timeline".into(), "staff_alerted".into(), m.staff_alerts));
    rows.push(("staff_queue".into(), "open".into(), m.staff_queue_open));
    rows.retain(|(_, _, v)| *v != 0);
    rows.sort();
    rows
}

async fn the_metrics_tallies_agree_with_a_count_of_the_tables(backend: Backend) {
    let t = TestDesk::start(backend).await;
    t.at("2026-11-23T15:00:00Z");
    let first = opened(&t, "305-555-0100").await;
    let second = opened(&t, "305-555-0200").await;
    opened(&t, "305-555-0300").await;
    submitted(&t.app.desk, &first.reference).await;
    let foc = Event::FocConfirmed("2026-12-08".parse().unwrap());
    t.app
        .desk
        .act(&first.reference, foc, Source::Chat("dana".into()))
        .await
        .unwrap();
    t.app
        .desk
        .act(
            &second.reference,
            Event::Cancelled {
                reason: "customer changed their mind".into(),
            },
            Source::Chat("dana".into()),
        )
        .await
        .unwrap();
    // Reminders, alerts and the digest over two weeks.
    for day in 24..=30 {
        t.at(&format!("2026-11-{day}T15:00:00Z"));
        t.app.desk.tick().await.unwrap();
    }
    // A message from nobody the desk knows waits for a person; staff dismiss it.
    let stranger = "From: someone@else.example\r\nTo: porting@voip.example\r\nSubject: hello\r\n\
        Message-ID: <s1@else.example>\r\n\r\nWho are you?\r\n";
    let origin = portbot::desk::Origin::file(stranger.as_bytes());
    t.app.desk.take_email(stranger.as_bytes(), origin).await.unwrap();
    let store = &t.app.store;
    let item = store.staff_queue(false, 10).await.unwrap().remove(0);
    store
        .resolve_staff_item(portbot::store::Resolution {
            id: item.id,
            status: portbot::domain::StaffItemStatus::Dismissed,
            by: "dana".into(),
            at: t.clock.now(),
            message_id: item.message_id.clone(),
            documents: Vec::new(),
            change: None,
        })
        .await
        .unwrap();
    // The sender takes two e-mails and sends one; the other fails for a while.
    let claim = portbot::store::OutboxClaim {
        channel: portbot::domain::Channel::Email,
        now: t.clock.now() + chrono::Duration::days(1),
        lease: std::time::Duration::from_secs(60),
        worker: "test".into(),
        limit: 2,
    };
    let taken = store.claim_outbox(&claim).await.unwrap();
    assert_eq!(taken.len(), 2, "two e-mails were due");
    let sent = portbot::store::Settled::Sent { at: claim.now };
    store.settle_outbox(taken[0].id, sent).await.unwrap();
    let retry = portbot::store::Settled::Retry {
        error: "421 try later".into(),
        next: claim.now + chrono::Duration::minutes(5),
    };
    store.settle_outbox(taken[1].id, retry).await.unwrap();
    assert_eq!(tallied(&t).await, counted(&t, backend).await);
    assert!(
        tallied(&t).await.iter().any(|(m, _, _)| m == "timeline"),
        "the ticks sent reminders"
    );
    t.finish().await;
}

on_both_backends!(the_metrics_tallies_agree_with_a_count_of_the_tables);

/// The order a customer asked for on these numbers, opened on the command line.
async fn opened(t: &TestDesk, numbers: &str) -> portbot::domain::Order {
    t.app.desk.open_order(acme_request(numbers), Source::Cli).await.unwrap()
}

/// The messages queued with this template, sent or not.
async fn queued(t: &TestDesk, template: &str) -> Vec<portbot::domain::OutboxMessage> {
    let outbox = t.app.desk.outbox(true).await.unwrap();
    outbox.into_iter().filter(|m| m.template == template).collect()
}

fn scheduler_up(t: &TestDesk) -> bool {
    t.app.desk.health().snapshot()["scheduler"].up
}

async fn a_failing_tick_sets_the_scheduler_down_and_tells_staff_once(backend: Backend) {
    let t = TestDesk::start(backend).await;
    t.at("2026-11-24T15:00:00Z");
    opened(&t, "305-555-0100").await;
    t.app.desk.scheduled_tick().await.unwrap();
    assert!(scheduler_up(&t));
    // The tick's queue cannot be read: every tick fails until it can.
    t.execute("ALTER TABLE orders RENAME COLUMN attention_at TO attention_lost")
        .await;
    for at in ["2026-11-24T15:05:00Z", "2026-11-24T15:10:00Z", "2026-11-24T15:15:00Z"] {
        t.at(at);
        assert!(t.app.desk.scheduled_tick().await.is_err());
    }
    assert!(!scheduler_up(&t));
    let down = &t.app.desk.health().snapshot()["scheduler"];
    assert!(down.detail.contains("attention_at"), "{}", down.detail);
    assert_eq!(
        down.since,
        "2026-11-24T15:05:00Z".parse::<chrono::DateTime<chrono::Utc>>().unwrap()
    );
    assert_eq!(
        queued(&t, "chat/scheduler_down").await.len(),
        1,
        "staff are told once, not at every tick"
    );
    let post = queued(&t, "chat/scheduler_down").await.pop();
    assert!(
        post.unwrap().body.contains("10:05 EST"),
        "the time it went down, in the desk's zone"
    );
    // Mended: up again; broken again later: told again.
    t.execute("ALTER TABLE orders RENAME COLUMN attention_lost TO attention_at")
        .await;
    t.at("2026-11-24T15:20:00Z");
    t.app.desk.scheduled_tick().await.unwrap();
    assert!(scheduler_up(&t));
    t.execute("ALTER TABLE orders RENAME COLUMN attention_at TO attention_lost")
        .await;
    t.at("2026-11-24T16:00:00Z");
    assert!(t.app.desk.scheduled_tick().await.is_err());
    assert_eq!(queued(&t, "chat/scheduler_down").await.len(), 2);
    t.finish().await;
}

on_both_backends!(a_failing_tick_sets_the_scheduler_down_and_tells_staff_once);

async fn the_digest_lists_only_what_is_due_for_it(backend: Backend) {
    let t = TestDesk::start(backend).await;
    // Opened on the Monday before Thanksgiving: six business days without documents by
    // Wednesday 2 December. Opened that Tuesday: not yet late.
    t.at("2026-11-23T15:00:00Z");
    let late = opened(&t, "305-555-0300").await;
    let port_day = opened(&t, "305-555-0100").await;
    submitted(&t.app.desk, &port_day.reference).await;
    let foc = Event::FocConfirmed("2026-12-02".parse().unwrap());
    t.app
        .desk
        .act(&port_day.reference, foc, Source::Chat("dana".into()))
        .await
        .unwrap();
    t.at("2026-12-01T15:00:00Z");
    let fresh = opened(&t, "305-555-0400").await;
    t.at("2026-12-02T15:00:00Z");
    let digest = t.app.desk.digest().await.unwrap();
    let text = format!("{}\n{}", digest.subject, digest.body);
    assert!(
        text.contains(&format!("{}", late.reference)) && text.contains("documents missing for 6 business days"),
        "{text}"
    );
    assert!(
        text.contains(&format!("{}", port_day.reference)),
        "today's port day: {text}"
    );
    assert!(!text.contains(&format!("{}", fresh.reference)), "not late yet: {text}");
    t.finish().await;
}

on_both_backends!(the_digest_lists_only_what_is_due_for_it);

/// A carrier's history and the carriers chart read the newest FOC confirmations (and
/// completions) through their event's index, however many entries of other kinds were
/// logged after the last of them: a morning's reminders must not send PostgreSQL down
/// the whole timeline from its newest entry, looking for FOCs (the chart took 65 ms at
/// 100,000 orders so).
async fn the_newest_focs_are_found_by_their_event_after_a_morning_of_reminders(backend: Backend) {
    let t = TestDesk::start(backend).await;
    t.at("2026-11-23T15:00:00Z");
    let order = opened(&t, "305-555-0100").await;
    let id = order.reference.number().expect("a desk reference");
    // Years of history, every kind of event in turn, then a morning of reminders.
    let history = format!(
        "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 40000) \
         INSERT INTO timeline (order_id, at, source, event, text) \
         SELECT {id}, $1, 'scheduler', CASE WHEN i > 20000 THEN 'reminder_sent' \
         WHEN i % 4 = 0 THEN 'opened' WHEN i % 4 = 1 THEN 'submitted' \
         WHEN i % 4 = 2 THEN 'foc_confirmed' ELSE 'completed' END, 'history' FROM s"
    );
    let at = t.clock.now();
    match backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&t.store_url).await.unwrap();
            sqlx::query(&history).bind(at).execute(&mut c).await.unwrap();
            c.execute("ANALYZE").await.unwrap();
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&t.store_url).await.unwrap();
            sqlx::query(&history).bind(at).execute(&mut c).await.unwrap();
            c.execute("VACUUM ANALYZE timeline").await.unwrap();
        }
    }
    let queries = [
        with(statements::CARRIER_FOCS, &["'AT&T'"]),
        with(statements::NEWEST_OF_EVENT, &["'foc_confirmed'", "1000"]),
        with(statements::NEWEST_OF_EVENT, &["'completed'", "1000"]),
    ];
    for sql in queries {
        // The plan for these values, from the statistics of the history just logged.
        let steps: Vec<String> = match backend {
            Backend::Sqlite => {
                let mut c = sqlx::SqliteConnection::connect(&t.store_url).await.unwrap();
                let rows = sqlx::query(&format!("EXPLAIN QUERY PLAN {sql}"))
                    .fetch_all(&mut c)
                    .await
                    .unwrap();
                rows.iter().map(|r| r.get::<String, _>("detail")).collect()
            }
            Backend::Postgres => {
                let mut c = sqlx::PgConnection::connect(&t.store_url).await.unwrap();
                let rows = sqlx::query(&format!("EXPLAIN {sql}")).fetch_all(&mut c).await.unwrap();
                rows.iter().map(|r| r.get::<String, _>(0)).collect()
            }
        };
        let plan = steps.join("\n");
        let by_event = match backend {
            Backend::Sqlite => plan.contains("INDEX timeline_by_event (event=?"),
            Backend::Postgres => plan.contains("Index Cond: (event = "),
        };
        assert!(
            by_event,
            "{sql}\nreads the timeline without its event's index on {backend:?}:\n{plan}"
        );
    }
    t.finish().await;
}

on_both_backends!(the_newest_focs_are_found_by_their_event_after_a_morning_of_reminders);

/// The calendar's month: whether each port day's order still has a number without a
/// route is looked up by that order's numbers, however many port days the month holds.
/// With the planner's statistics of a busy month (3,000 port days), PostgreSQL had
/// planned the question as a hash of every unrouted number on the desk, read whole.
async fn a_busy_months_calendar_looks_up_each_orders_numbers(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let template = opened(&t, "305-555-0100").await;
    let id = template.reference.number().expect("a desk reference");
    let columns: Vec<&str> = statements::ORDER_COLUMNS
        .split(',')
        .map(|c| c.trim().trim_start_matches("o."))
        .collect();
    let copied = columns[1..].join(", ");
    // The template's port day is in December; 3,000 orders like it, a number each.
    let seed = [
        format!("UPDATE orders SET state = 'foc_confirmed', foc_date = '2026-12-15' WHERE id = {id}"),
        format!(
            "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 3000) \
             INSERT INTO orders ({}) SELECT {id} + i, {copied} FROM orders, s WHERE id = {id}",
            columns.join(", ")
        ),
        format!(
            "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 3000) \
             INSERT INTO order_numbers (order_id, position, number, number_type, status, route, active) \
             SELECT {id} + i, position, '+1' || (3020000000 + i), number_type, status, route, active \
             FROM order_numbers, s WHERE order_id = {id}"
        ),
        // One of them has its routing confirmed.
        format!(
            "UPDATE order_numbers SET route = 'ring-group Sales' WHERE order_id = {}",
            id + 1
        ),
        "ANALYZE".to_string(),
    ];
    for statement in &seed {
        t.execute(statement).await;
    }
    let sql = with(statements::PORT_DAYS, &["'2026-11-30'", "'2027-01-03'", "3000"]);
    // The plan for these values (as each connection's first calls take), from the
    // statistics of the month just seeded.
    let plan = match backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&t.store_url).await.unwrap();
            let rows = sqlx::query(&format!("EXPLAIN QUERY PLAN {sql}"))
                .fetch_all(&mut c)
                .await
                .unwrap();
            rows.iter().map(|r| r.get::<String, _>("detail")).collect::<Vec<_>>()
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&t.store_url).await.unwrap();
            let rows = sqlx::query(&format!("EXPLAIN {sql}")).fetch_all(&mut c).await.unwrap();
            rows.iter().map(|r| r.get::<String, _>(0)).collect()
        }
    }
    .join("\n");
    let by_order = match backend {
        Backend::Sqlite => plan.contains("SEARCH n USING") && plan.contains("(order_id=?)"),
        Backend::Postgres => {
            plan.contains("Index Cond: (order_id = o.id)") && !plan.contains("Seq Scan on order_numbers")
        }
    };
    assert!(
        by_order && !plan.contains("hashed"),
        "the month's numbers are not looked up by order on {backend:?}:\n{plan}"
    );
    let days = t
        .app
        .store
        .port_days("2026-11-30".parse().unwrap(), "2027-01-03".parse().unwrap(), 5000)
        .await
        .unwrap();
    assert_eq!(days.len(), 3001);
    let routed = portbot::domain::OrderRef::from_number(id + 1).to_string();
    for day in &days {
        assert_eq!(day.routing_unconfirmed, day.order != routed, "{}", day.order);
    }
    t.finish().await;
}

on_both_backends!(a_busy_months_calendar_looks_up_each_orders_numbers);

/// The board's routing list (`/?routing=1`): the orders before their port with a number
/// whose routing is not confirmed, the newest first. On SQLite it is read newest first
/// off the table and stops at the page, as on PostgreSQL, instead of reading every open
/// order by its state and sorting them all (39.6 ms at 100,000 orders in `desk_scale`).
async fn the_orders_whose_routing_waits_are_listed_newest_first(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let first = opened(&t, "305-555-0100").await;
    let routed = opened(&t, "305-555-0200").await;
    let cancelled = opened(&t, "305-555-0300").await;
    let newest = opened(&t, "305-555-0400").await;
    t.staff_says(&format!("route {} all ring-group Sales", routed.reference))
        .await;
    let cancel = Event::Cancelled {
        reason: "the customer stays".into(),
    };
    t.app
        .desk
        .act(&cancelled.reference, cancel, Source::Chat("dana".into()))
        .await
        .unwrap();
    let filter = portbot::store::OrderFilter {
        routing_unconfirmed: true,
        limit: 100,
        ..Default::default()
    };
    let listed: Vec<_> = t.app.desk.list(&filter).await.unwrap();
    let listed: Vec<_> = listed.iter().map(|o| o.reference.to_string()).collect();
    assert_eq!(listed, [newest.reference.to_string(), first.reference.to_string()]);

    if matches!(backend, Backend::Sqlite) {
        let page = |condition: &str| {
            let sql = format!("SELECT o.id FROM orders o WHERE TRUE{condition} ORDER BY o.id DESC LIMIT 100");
            hot("the orders whose routing waits", sql, &[])
        };
        let sorted = |steps: &[String]| steps.iter().any(|s| s.contains("TEMP B-TREE"));
        // Looked up by state, SQLite would sort every open order for the page.
        let by_state = plan(&t, backend, &page(statements::ROUTING_UNCONFIRMED)).await;
        assert!(sorted(&by_state), "{by_state:?}");
        let steps = plan(&t, backend, &page(portbot::store::SqliteStore::ROUTING_UNCONFIRMED)).await;
        assert!(
            !sorted(&steps),
            "the routing list is sorted on SQLite:\n{}",
            steps.join("\n")
        );
    }
    t.finish().await;
}

on_both_backends!(the_orders_whose_routing_waits_are_listed_newest_first);

/// On PostgreSQL each of the desk's connections counts its tallies into a shard of its
/// own (migration 17). Shards were the backend's pid modulo 16: two connections often
/// shared one, and then each waited for the other's commit to count every reminder.
#[tokio::test]
async fn each_postgres_connection_counts_into_a_tally_shard_of_its_own() {
    let t = TestDesk::start(Backend::Postgres).await;
    // The desk's own pool takes its shards as it opens connections.
    let filter = portbot::store::OrderFilter {
        limit: 10,
        ..Default::default()
    };
    let desk = &t.app.desk;
    let lists = tokio::join!(
        desk.list(&filter),
        desk.list(&filter),
        desk.list(&filter),
        desk.list(&filter)
    );
    for listed in [lists.0, lists.1, lists.2, lists.3] {
        listed.unwrap();
    }
    let mut c = sqlx::PgConnection::connect(&t.store_url).await.unwrap();
    let taken: bool = sqlx::query_scalar("SELECT is_called FROM tally_shards")
        .fetch_one(&mut c)
        .await
        .unwrap();
    assert!(taken, "the desk's connections took no tally shard");

    // Sixteen connections (two replicas' pools) opened as the desk opens its own count
    // into sixteen shards, and `/metrics` adds them all up.
    let mut connections = vec![c];
    for _ in 1..16 {
        connections.push(sqlx::PgConnection::connect(&t.store_url).await.unwrap());
    }
    let mut taken = Vec::new();
    for c in &mut connections {
        c.execute(statements::TAKE_TALLY_SHARD).await.unwrap();
        c.execute("SELECT tally('timeline', 'reminder_sent', 1)").await.unwrap();
        let shard: String = sqlx::query_scalar("SELECT current_setting('portbot.tally_shard')")
            .fetch_one(&mut *c)
            .await
            .unwrap();
        taken.push(shard.parse::<i32>().expect("a shard taken"));
    }
    taken.sort();
    let shards: Vec<i32> = sqlx::query_scalar("SELECT shard FROM tallies WHERE label = 'reminder_sent' ORDER BY shard")
        .fetch_all(&mut connections[0])
        .await
        .unwrap();
    assert_eq!(shards, taken, "each connection counts into the shard it took");
    assert_eq!(shards.len(), 16, "{shards:?}");
    assert_eq!(t.app.store.metrics().await.unwrap().reminders_sent, 16);
    for c in connections {
        c.close().await.unwrap();
    }
    t.finish().await;
}

/// A deployment whose database user was granted the tables and their id sequences but
/// not the tally-shard sequence: the desk still connects (warning that it counts into a
/// shared shard), takes no shard, and what it counts lands in its connection's pid's
/// shard, which `/metrics` adds up with the rest.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_user_who_may_not_take_a_tally_shard_still_counts() {
    let t = TestDesk::start(Backend::Postgres).await;
    let user = format!("portbot_no_shard_{}", std::process::id());
    crate::harness::run_admin(&format!("DROP ROLE IF EXISTS {user}")).await;
    crate::harness::run_admin(&format!("CREATE ROLE {user} LOGIN PASSWORD 'no-shard'")).await;
    for grant in [
        format!("GRANT USAGE ON SCHEMA public TO {user}"),
        format!("GRANT ALL ON ALL TABLES IN SCHEMA public TO {user}"),
        format!("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {user}"),
        format!("REVOKE ALL ON SEQUENCE tally_shards FROM {user}"),
    ] {
        t.execute(&grant).await;
    }
    let shards_taken = || async {
        let mut c = sqlx::PgConnection::connect(&t.store_url).await.unwrap();
        let last: i64 = sqlx::query_scalar("SELECT last_value FROM tally_shards")
            .fetch_one(&mut c)
            .await
            .unwrap();
        last
    };
    let before = shards_taken().await;

    let store = portbot::store::PgStore::connect(&as_user(&t.store_url, &user, "no-shard"))
        .await
        .expect("the desk connects without a shard of its own");
    let post = portbot::domain::OutboxDraft {
        channel: portbot::domain::Channel::Chat,
        to: "staff".into(),
        template: "test".into(),
        subject: "a post".into(),
        body: "counted in a shared shard".into(),
        email: None,
    };
    use portbot::store::{MetricsStore, OutboxStore};
    store
        .queue_once("no-shard-of-its-own", &[post], t.clock.now())
        .await
        .expect("the post is queued");

    assert_eq!(shards_taken().await, before, "a user without the sequence took a shard");
    let mut c = sqlx::PgConnection::connect(&t.store_url).await.unwrap();
    let counted: Vec<(i32, i64)> =
        sqlx::query_as("SELECT shard, value FROM tallies WHERE metric = 'outbox' AND label = 'chat:pending'")
            .fetch_all(&mut c)
            .await
            .unwrap();
    assert!(
        matches!(counted.as_slice(), [(shard, 1)] if (0..64).contains(shard)),
        "the post counted once, in a pid's shard: {counted:?}"
    );
    let pending = |m: portbot::store::StoreMetrics| {
        m.outbox
            .into_iter()
            .find(|(channel, status, _)| channel == "chat" && status == "pending")
            .map(|(_, _, n)| n)
    };
    assert_eq!(pending(store.metrics().await.unwrap()), Some(1));
    assert_eq!(pending(t.app.store.metrics().await.unwrap()), Some(1));
    c.close().await.unwrap();
    drop(store);
    t.finish().await;
    crate::harness::run_admin(&format!("DROP ROLE IF EXISTS {user}")).await;
}

/// The same database URL, signing in as another user.
fn as_user(url: &str, user: &str, password: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let server = rest.rsplit_once('@').map_or(rest, |(_, server)| server);
    format!("{scheme}://{user}:{password}@{server}")
}
