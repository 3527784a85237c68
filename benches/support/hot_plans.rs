//! The plans each database makes for the desk's hot queries with the values of a real
//! call, from the statistics of the bench's desk. The hot-query test checks the generic
//! plans on a near-empty desk; PostgreSQL plans a prepared statement's first calls on
//! each connection for the values given, and with a big desk's statistics such a plan
//! can read a whole table where the generic one looks up (the calendar's month did,
//! until 15c3958).

use portbot::store::statements;

/// The morning the bench ticks at, as both backends store times.
const NOW: &str = "'2026-11-24T15:00:00+00:00'";

/// (what, SQL with its values written in) for each hot statement the store shares.
pub fn queries() -> Vec<(&'static str, String)> {
    let day_before = "'2026-11-23T15:00:00+00:00'";
    [
        ("the tick's queue", statements::CLAIM_ATTENTION, vec![NOW, NOW, "100"]),
        (
            "the daily limit",
            statements::EMAILS_TO_SINCE,
            vec!["'ops@acme.example'", day_before],
        ),
        (
            "the contacts' last message and e-mails today",
            statements::mail_history(1, 1).as_str(),
            vec!["7", day_before, "'ops@acme.example'", "'ops@acme.example'"],
        ),
        (
            "an order, its lines and its mail history",
            statements::ORDER_WITH_MAIL.as_str(),
            vec!["7", day_before],
        ),
        ("a carrier's history", statements::CARRIER_FOCS, vec!["'AT&T'"]),
        (
            "an event's newest entries",
            statements::NEWEST_OF_EVENT,
            vec!["'foc_confirmed'", "1000"],
        ),
        (
            "the sender's due e-mails",
            statements::DUE_OUTBOX,
            vec!["''", "''", "'email'", NOW, "50"],
        ),
        (
            "the calendar's month",
            statements::PORT_DAYS,
            vec!["'2026-11-30'", "'2027-01-03'", "3000"],
        ),
    ]
    .into_iter()
    .map(|(what, sql, values)| (what, with(sql, &values)))
    .collect()
}

/// The steps of a plan that read a whole table, or hash one whole for a subquery.
pub fn whole_table_steps(plan: &[String]) -> Vec<String> {
    plan.iter()
        .filter(|step| {
            let step = step.trim_start().trim_start_matches("->").trim_start();
            // PostgreSQL's sequential scan and hashed subquery; SQLite's SCAN of a table
            // (a subquery's own rows, scanned after it made them, are not a table).
            step.starts_with("Seq Scan")
                || step.contains("hashed SubPlan")
                || (step.starts_with("SCAN ") && !step.contains("CONSTANT ROW") && !is_subquery(plan, step))
        })
        .cloned()
        .collect()
}

fn is_subquery(plan: &[String], step: &str) -> bool {
    let scanned = step.trim_start_matches("SCAN ").split(' ').next().unwrap_or_default();
    plan.iter()
        .any(|l| l.ends_with(&format!("CO-ROUTINE {scanned}")) || l.ends_with(&format!("MATERIALIZE {scanned}")))
}

/// `sql` with its parameters written in, the highest first (`$10` before `$1`).
fn with(sql: &str, values: &[&str]) -> String {
    let mut out = sql.to_string();
    for (n, value) in values.iter().enumerate().rev() {
        out = out.replace(&format!("${}", n + 1), value);
    }
    out
}
