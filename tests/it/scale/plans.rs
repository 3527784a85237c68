//! Each hot query's plan on both backends: looked up through an index, never a whole
//! table read; and the checker that says so, checked.

use crate::harness::{Backend, TestDesk};
use portbot::store::statements;
use sqlx::{Connection, Executor, Row};

/// A hot query: what it is for, its SQL with `$N` parameters, and their values.
pub(super) struct Hot {
    what: &'static str,
    sql: String,
    values: Vec<&'static str>,
}

pub(super) fn hot(what: &'static str, sql: impl Into<String>, values: &[&'static str]) -> Hot {
    Hot {
        what,
        sql: sql.into(),
        values: values.to_vec(),
    }
}

/// What the database says it would do for `sql`, its values written in, a line a step:
/// the plan for these values, from the tables' statistics as they are (as each
/// connection's first calls of a prepared statement take it on PostgreSQL).
pub(super) async fn plan_for_values(t: &TestDesk, backend: Backend, sql: &str) -> Vec<String> {
    let explain = match backend {
        Backend::Sqlite => format!("EXPLAIN QUERY PLAN {sql}"),
        Backend::Postgres => format!("EXPLAIN {sql}"),
    };
    let rows = match backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&t.store_url).await.unwrap();
            let rows = sqlx::query(&explain).fetch_all(&mut c).await.unwrap();
            rows.iter().map(|r| r.get::<String, _>("detail")).collect()
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&t.store_url).await.unwrap();
            let rows = sqlx::query(&explain).fetch_all(&mut c).await.unwrap();
            rows.iter().map(|r| r.get::<String, _>(0)).collect()
        }
    };
    rows
}

/// What the database says it would do for a hot query, a line a step. On PostgreSQL the
/// plan is the generic one of the prepared statement, as the desk runs it: made once a
/// connection and kept, whatever the values (or the table's size) later.
pub(super) async fn plan(t: &TestDesk, backend: Backend, query: &Hot) -> Vec<String> {
    match backend {
        Backend::Sqlite => plan_for_values(t, backend, &with(&query.sql, &query.values)).await,
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
            // The name scanned, without what follows it ("SCAN l LEFT-JOIN").
            let scanned = scanned.split(' ').next().unwrap_or_default();
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
pub(super) fn with(sql: &str, values: &[impl AsRef<str>]) -> String {
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
        hot("an order and its lines", statements::ORDER_WITH_LINES.as_str(), &["7"]),
        hot(
            "an order, its lines and its mail history",
            statements::ORDER_WITH_MAIL.as_str(),
            &["7", now],
        ),
        hot(
            "an order's numbers and contacts",
            format!(
                "{}$1, $2){}$3, $4)",
                statements::NUMBERS_OF_ORDERS,
                statements::AND_CONTACTS_OF_ORDERS
            ),
            &["7", "8", "7", "8"],
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
