//! A desk that does not slow down with its history (issue #18): each hot query is served
//! by an index on both backends; `/metrics` reads tallies kept with each change, and they
//! agree with a count of the tables; a tick that fails says so in `/healthz` and tells
//! staff once.

use crate::harness::{Backend, TestDesk};
use crate::story::{acme_request, submitted};
use portbot::domain::{Event, Source};
use portbot::store::statements;
use sqlx::{Connection, Executor, Row};

/// What the database says it would do for `sql`, a line a step.
async fn plan(t: &TestDesk, backend: Backend, sql: &str) -> Vec<String> {
    match backend {
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
            // A near-empty table is read whole whatever its indexes: ask for the plan
            // it would take were reading it whole dear, as it is at a million rows.
            c.execute("SET enable_seqscan = off").await.unwrap();
            let rows = sqlx::query(&format!("EXPLAIN {sql}")).fetch_all(&mut c).await.unwrap();
            rows.iter().map(|r| r.get::<String, _>(0)).collect()
        }
    }
}

/// The steps of a plan that read a whole table (or a whole index) instead of looking up.
fn full_scans(plan: &[String]) -> Vec<String> {
    let mut scans = Vec::new();
    for (i, step) in plan.iter().enumerate() {
        let step_text = step.trim_start().trim_start_matches("-> ");
        // SQLite: SEARCH looks up, SCAN reads everything (a temporary B-tree is sorting),
        // but for the rows of a subquery, which it made by looking up.
        if let Some(scanned) = step_text.strip_prefix("SCAN ") {
            let subquery = |l: &String| {
                l.ends_with(&format!("CO-ROUTINE {scanned}")) || l.ends_with(&format!("MATERIALIZE {scanned}"))
            };
            if !plan.iter().any(subquery) {
                scans.push(step.clone());
            }
        }
        // PostgreSQL: a sequential scan, or an index scan with no condition on the index.
        if step_text.starts_with("Seq Scan") {
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

/// `sql` with its parameters written in.
fn with(sql: &str, values: &[&str]) -> String {
    let mut out = sql.to_string();
    for (n, value) in values.iter().enumerate().rev() {
        out = out.replace(&format!("${}", n + 1), value);
    }
    out
}

async fn the_hot_queries_look_up_and_never_read_a_whole_table(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let now = "'2026-11-24T15:00:00+00:00'";
    let hot = [
        (
            "the tick's queue",
            with(statements::CLAIM_ATTENTION, &[now, now, "500"]),
        ),
        (
            "the contact's last message",
            "SELECT message_id FROM inbound_messages WHERE order_id = 7 AND sender IN ('ops@acme.example') \
             ORDER BY id DESC LIMIT 1"
                .to_string(),
        ),
        ("a carrier's history", with(statements::CARRIER_FOCS, &["'AT&T'"])),
        (
            "the sender's due e-mails",
            with(statements::DUE_OUTBOX, &["", "", "'email'", now, "50"]),
        ),
        (
            "an order's timeline",
            "SELECT order_id, at, source, event, text FROM timeline WHERE order_id IN (7, 8)".to_string(),
        ),
        (
            "the daily limit",
            with(statements::EMAILS_TO_SINCE, &["'ops@acme.example'", now]),
        ),
        (
            "a number's order",
            "SELECT n.order_id FROM order_numbers n WHERE n.number = '+13055550100' ORDER BY n.order_id DESC"
                .to_string(),
        ),
        (
            "a state's orders (order list, the digest)",
            "SELECT o.id FROM orders o WHERE TRUE AND o.state = 'rejected' ORDER BY o.id DESC LIMIT 100".to_string(),
        ),
        ("the metrics", statements::TALLIES.to_string()),
    ];
    // The check itself sees a whole-table read: a lookup by a column with no index.
    let unindexed = plan(&t, backend, "SELECT id FROM outbox WHERE subject = 'hello'").await;
    assert!(!full_scans(&unindexed).is_empty(), "{unindexed:?}");
    for (what, sql) in hot {
        let steps = plan(&t, backend, &sql).await;
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
    t.finish().await;
}

on_both_backends!(the_hot_queries_look_up_and_never_read_a_whole_table);

/// Counts straight from the tables: what the tallies must agree with.
async fn counted(t: &TestDesk, backend: Backend) -> Vec<(String, String, i64)> {
    let sql = "SELECT 'orders', state, COUNT(*) FROM orders GROUP BY state \
        UNION ALL SELECT 'inbound', kind, COUNT(*) FROM inbound_messages GROUP BY kind \
        UNION ALL SELECT 'outbox', channel || ':' || status, COUNT(*) FROM outbox GROUP BY channel, status \
        UNION ALL SELECT 'timeline', event, COUNT(*) FROM timeline \
            WHERE event IN ('reminder_sent', 'staff_alerted') GROUP BY event \
        UNION ALL SELECT 'staff_queue', status, COUNT(*) FROM staff_queue GROUP BY status";
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
    // A message from nobody the desk knows waits for a person; staff dismiss one.
    let stranger = "From: someone@else.example\r\nTo: porting@voip.example\r\nSubject: hello\r\n\
        Message-ID: <s1@else.example>\r\n\r\nWho are you?\r\n";
    let origin = portbot::desk::Origin::file(stranger.as_bytes());
    t.app.desk.take_email(stranger.as_bytes(), origin).await.unwrap();
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
