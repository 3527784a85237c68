//! Lookups whose plans depend on the desk's statistics: the newest FOCs among a
//! morning's reminders, a busy month's calendar, the board's routing list.

use super::opened;
use super::plans::{hot, plan, plan_for_values, with};
use crate::harness::{Backend, TestDesk};
use portbot::clock::Clock;
use portbot::domain::{Event, Source};
use portbot::store::statements;
use sqlx::{Connection, Executor};

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
        let steps = plan_for_values(&t, backend, &sql).await;
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
    let plan = plan_for_values(&t, backend, &sql).await.join("\n");
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
