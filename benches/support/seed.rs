//! The bench's desk: seven template orders taken through the desk, then cloned by bulk
//! SQL into a desk of years (`seed`), with the numbers, contacts, timelines, e-mails and
//! inbound messages a desk of that size holds; and the batches of due orders the
//! mornings bring due (`come_due`).

use crate::db::Db;
use crate::{at, Backend};
use portbot::app::App;
use portbot::clock::FixedClock;
use portbot::domain::{Bill, Event, PortRequest, RejectCode, Source};

/// Where clones start: far above the references the desk hands out.
pub(crate) const BASE: i64 = 10_000_000;

/// Per thousand orders, by template: the shape of a desk with years of history.
const MIX: [(Template, i64); 7] = [
    (Template::Completed, 925),
    (Template::Cancelled, 55),
    (Template::Awaiting, 6),
    (Template::Ready, 2),
    (Template::Submitted, 6),
    (Template::Rejected, 2),
    (Template::Foc, 4),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Template {
    Completed,
    Cancelled,
    Awaiting,
    Ready,
    Submitted,
    Rejected,
    Foc,
    /// Awaiting documents, opened the day before: its first reminders are due.
    Due,
}

/// The national number of the i-th clone: area codes 302 up, exchanges 220–299 (no
/// N11), unique below 8,000,000 clones. Written the same way in the seeding SQL.
pub(crate) fn clone_number(i: i64) -> i64 {
    (302 + i / 800_000) * 10_000_000 + (220 + (i / 10_000) % 80) * 10_000 + i % 10_000
}

/// The contact of the i-th clone (`s.i`), written the same way for its contacts, the
/// e-mails it was sent and (from its id) the messages it sent.
const CLONE_CONTACT_SQL: &str = "'ops' || CAST(s.i AS TEXT) || '@customer.example'";

const CLONE_NUMBER_SQL: &str = "'+1' || CAST((302 + s.i / 800000) * 10000000 + (220 + (s.i / 10000) % 80) * 10000 \
    + s.i % 10000 AS TEXT)";

fn request(numbers: &str) -> PortRequest {
    PortRequest {
        customer: "ACME-001".into(),
        carrier: "Comcast Business".into(),
        numbers: portbot::domain::parse_number_list(numbers).expect("numbers"),
        number_type: portbot::domain::NumberType::Voice,
        kind: None,
        contacts: vec!["ops@acme.example".parse().expect("an address")],
        account: portbot::domain::AccountDetails {
            account_number: Some("877410123456789".into()),
            btn: Some("+13055550100".parse().expect("a number")),
            account_name: Some("ACME DENTAL GROUP".into()),
            service_address: Some("100 Main St, Miami, FL 33130".into()),
        },
        pin: None,
        authorized_name: None,
        contract_end: None,
        time_zone: chrono_tz::America::New_York,
    }
}

fn bill() -> Bill {
    Bill {
        carrier: Some("Comcast Business".into()),
        account_number: Some("877410123456789".into()),
        btn: Some("+13055550100".parse().expect("a number")),
        account_name: Some("ACME DENTAL GROUP".into()),
        service_address: Some("100 Main St, Miami, FL 33130".into()),
        invoice_date: Some("2026-11-02".parse().expect("a date")),
        numbers: Vec::new(),
        max_age_days: None,
    }
}

/// Each template order, taken through the desk to its state: (template, its id).
pub(crate) async fn templates(app: &App, clock: &FixedClock) -> Vec<(Template, i64)> {
    let staff = || Source::Chat("dana".into());
    let mut out = Vec::new();
    // The due one opens on Monday: its first reminders come on Tuesday morning.
    clock.set(at("2026-11-23T15:00:00Z"));
    let due = app
        .desk
        .open_order(request("305-555-0190"), Source::Cli)
        .await
        .expect("opens");
    out.push((Template::Due, due.reference.number().expect("a number")));
    // The rest on Tuesday morning, before the window: nothing of theirs is due that day.
    clock.set(at("2026-11-24T11:00:00Z"));
    let steps: [(Template, &[Event]); 7] = [
        (Template::Awaiting, &[]),
        (Template::Ready, &[Event::LoaSigned, Event::BillReceived(bill())]),
        (
            Template::Submitted,
            &[Event::LoaSigned, Event::BillReceived(bill()), Event::Submitted],
        ),
        (
            Template::Rejected,
            &[
                Event::LoaSigned,
                Event::BillReceived(bill()),
                Event::Submitted,
                Event::Rejected {
                    code: RejectCode::LocationMismatch,
                    reason: "service address".into(),
                    numbers: Vec::new(),
                },
            ],
        ),
        (
            Template::Foc,
            &[Event::LoaSigned, Event::BillReceived(bill()), Event::Submitted],
        ),
        (
            Template::Completed,
            &[
                Event::LoaSigned,
                Event::BillReceived(bill()),
                Event::Submitted,
                Event::FocConfirmed(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date")),
                Event::Completed { remaining: vec![] },
            ],
        ),
        (
            Template::Cancelled,
            &[Event::Cancelled {
                reason: "the customer stays".into(),
            }],
        ),
    ];
    for (n, (template, events)) in steps.into_iter().enumerate() {
        let order = app
            .desk
            .open_order(request(&format!("305-555-{:04}", 200 + n)), Source::Cli)
            .await
            .expect("opens");
        for event in events {
            app.desk
                .act(&order.reference, event.clone(), staff())
                .await
                .expect("a step");
        }
        if template == Template::Foc {
            let foc = Event::FocConfirmed("2026-12-15".parse().expect("a date"));
            app.desk.act(&order.reference, foc, staff()).await.expect("the FOC");
        }
        out.push((template, order.reference.number().expect("a number")));
    }
    out
}

/// Which clones are which.
pub(crate) struct Seeded {
    pub(crate) open: i64,
    pub(crate) due_template: i64,
    /// The batches of due orders, in the order the mornings take them.
    pub(crate) batches: Vec<std::ops::Range<i64>>,
}

/// Clones the templates into `orders` orders by bulk SQL, with five inbound messages
/// each; the batches of due orders first, then the mix.
pub(crate) async fn seed(
    db: &mut Db,
    backend: Backend,
    templates: &[(Template, i64)],
    orders: i64,
    (batch, due_batches): (i64, i64),
) -> Seeded {
    let id_of = |t: Template| {
        templates
            .iter()
            .find(|(x, _)| *x == t)
            .map(|(_, id)| *id)
            .expect("a template")
    };
    if backend == Backend::Postgres {
        // Bulk rows without the tally triggers (one statement moving one tally row a
        // million times is not what the desk does); the tallies are counted after.
        db.execute("SET session_replication_role = replica").await;
    }
    fill_sequence(db, backend, orders * 5).await;
    let mut next = 1;
    let batches: Vec<std::ops::Range<i64>> = (0..due_batches)
        .map(|n| BASE + 1 + n * batch..BASE + 1 + (n + 1) * batch)
        .collect();
    let due = due_batches * batch;
    clone(db, id_of(Template::Due), 1, due).await;
    next += due;
    let rest = orders - due;
    let mut open = due;
    for (n, (template, per_thousand)) in MIX.iter().enumerate() {
        let count = match n {
            0 => rest - MIX[1..].iter().map(|(_, p)| rest * p / 1000).sum::<i64>(),
            _ => rest * per_thousand / 1000,
        };
        clone(db, id_of(*template), next, next + count - 1).await;
        if !matches!(template, Template::Completed | Template::Cancelled) {
            open += count;
        }
        next += count;
    }
    // The batches wait until the bench brings them due.
    let later = format!(
        "UPDATE order_attention SET attention_at = (SELECT attention_at FROM order_attention WHERE order_id = {}) \
         WHERE order_id BETWEEN {} AND {}",
        id_of(Template::Awaiting),
        BASE + 1,
        BASE + due
    );
    db.execute(&later).await;
    inbound(db, orders).await;
    if backend == Backend::Postgres {
        db.execute("SET session_replication_role = origin").await;
        for count in RECOUNT {
            db.execute(count).await;
        }
    }
    // Statistics, and the bulk load's writes out of the log, as on a desk that has run
    // for a while: the measures do not wait on the loading's checkpoint.
    let settle: &[&str] = match backend {
        Backend::Sqlite => &["ANALYZE", "PRAGMA wal_checkpoint(TRUNCATE)"],
        Backend::Postgres => &["VACUUM ANALYZE", "CHECKPOINT"],
    };
    for statement in settle {
        db.execute(statement).await;
    }
    Seeded {
        open,
        due_template: id_of(Template::Due),
        batches,
    }
}

/// The tallies counted afresh from the tables (as migration 8 first counts them).
const RECOUNT: [&str; 8] = [
    "DELETE FROM state_days",
    "INSERT INTO state_days (day, state, entered) SELECT CAST(updated_at AS DATE), state, COUNT(*) FROM orders \
     GROUP BY 1, 2",
    "DELETE FROM tallies",
    "INSERT INTO tallies (metric, label, value) SELECT 'orders', state, COUNT(*) FROM orders GROUP BY state",
    "INSERT INTO tallies (metric, label, value) SELECT 'inbound', kind, COUNT(*) FROM inbound_messages GROUP BY kind",
    "INSERT INTO tallies (metric, label, value) SELECT 'outbox', channel || ':' || status, COUNT(*) FROM outbox \
     GROUP BY channel, status",
    "INSERT INTO tallies (metric, label, value) SELECT 'timeline', event, COUNT(*) FROM timeline \
     WHERE event IN ('reminder_sent', 'staff_alerted') GROUP BY event",
    "INSERT INTO tallies (metric, label, value) SELECT 'staff_queue', status, COUNT(*) FROM staff_queue GROUP BY status",
];

/// `bench_seq` holds 1..=n.
async fn fill_sequence(db: &mut Db, backend: Backend, n: i64) {
    db.execute("DROP TABLE IF EXISTS bench_seq").await;
    db.execute("CREATE TABLE bench_seq (i BIGINT PRIMARY KEY)").await;
    let fill = match backend {
        Backend::Sqlite => format!(
            "INSERT INTO bench_seq WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < {n}) \
             SELECT i FROM c"
        ),
        Backend::Postgres => format!("INSERT INTO bench_seq SELECT generate_series(1, {n})"),
    };
    db.execute(&fill).await;
}

/// Copies `table`'s rows of the template order to every clone in `from..=to`, with the
/// columns in `set` written as given (the rest copied).
async fn copy_rows(db: &mut Db, table: &str, key: &str, set: &[(&str, String)], template: i64, from: i64, to: i64) {
    let mut skip: Vec<&str> = set.iter().map(|(c, _)| *c).collect();
    skip.push("id");
    skip.push(key);
    let copied = db.columns(table, &skip).await;
    let mut names: Vec<String> = vec![key.to_string()];
    let mut values: Vec<String> = vec![format!("s.i + {BASE}")];
    if table == "orders" {
        names[0] = "id".into();
    }
    for (c, v) in set {
        names.push((*c).to_string());
        values.push(v.clone());
    }
    for c in copied {
        values.push(format!("t.{c}"));
        names.push(c);
    }
    let sql = format!(
        "INSERT INTO {table} ({}) SELECT {} FROM bench_seq s CROSS JOIN {table} t \
         WHERE t.{key} = {template} AND s.i BETWEEN {from} AND {to}",
        names.join(", "),
        values.join(", ")
    );
    db.execute(&sql).await;
}

/// Clones template order `template` into orders `BASE + from ..= BASE + to`.
async fn clone(db: &mut Db, template: i64, from: i64, to: i64) {
    if to < from {
        return;
    }
    let customer = "'CUST-' || CAST(s.i % 5000 AS TEXT)".to_string();
    let carrier = "CASE s.i % 4 WHEN 0 THEN 'AT&T' WHEN 1 THEN 'Comcast Business' WHEN 2 THEN 'Verizon' \
        ELSE 'Spectrum' END"
        .to_string();
    copy_rows(
        db,
        "orders",
        "id",
        &[("customer", customer), ("carrier", carrier)],
        template,
        from,
        to,
    )
    .await;
    copy_rows(db, "order_attention", "order_id", &[], template, from, to).await;
    let number = CLONE_NUMBER_SQL.to_string();
    copy_rows(
        db,
        "order_numbers",
        "order_id",
        &[("number", number)],
        template,
        from,
        to,
    )
    .await;
    let email = CLONE_CONTACT_SQL.to_string();
    copy_rows(
        db,
        "order_contacts",
        "order_id",
        &[("email", email)],
        template,
        from,
        to,
    )
    .await;
    copy_rows(db, "timeline", "order_id", &[], template, from, to).await;
    // The e-mails the template's contact was sent, as sent (a desk's history): what the
    // daily limit's count looks through. Short bodies keep the bulk load small.
    let history = [
        ("recipient", CLONE_CONTACT_SQL.to_string()),
        ("status", "'sent'".to_string()),
        ("sent_at", "t.created_at".to_string()),
        ("body", "'(sent)'".to_string()),
        ("html", "NULL".to_string()),
        ("calendar", "NULL".to_string()),
    ];
    copy_rows(db, "outbox", "order_id", &history, template, from, to).await;
}

/// Five inbound messages an order, from its contact.
async fn inbound(db: &mut Db, orders: i64) {
    let sql = format!(
        "INSERT INTO inbound_messages (mailbox, uidvalidity, uid, message_id, order_id, received_at, sender, subject, \
         kind, outcome) SELECT 'INBOX', 1, s.i, '<bench-' || CAST(s.i AS TEXT) || '@customer.example>', \
         o.id, o.opened_at, 'ops' || CAST(o.id - {BASE} AS TEXT) || '@customer.example', 'Any news?', \
         'customer_reply', 'logged' FROM bench_seq s JOIN orders o ON o.id = {BASE} + 1 + (s.i - 1) % {orders} \
         WHERE s.i <= {}",
        orders * 5
    );
    db.execute(&sql).await;
}

/// The orders in `range` come due: their attention time goes back to when the due
/// template opened (the day before).
pub(crate) async fn come_due(db: &mut Db, range: std::ops::Range<i64>, template: i64) {
    let due = format!(
        "UPDATE order_attention SET attention_at = (SELECT opened_at FROM orders WHERE id = {template}) \
         WHERE order_id >= {} AND order_id < {}",
        range.start, range.end
    );
    db.execute(&due).await;
}
