//! Time travel: the scheduler ticking every half hour over two weeks, with Thanksgiving
//! in them, sends each reminder on the right business day, inside the customer's sending
//! window, once.

use crate::harness::{Backend, TestDesk};
use crate::story::acme_request;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc};
use chrono_tz::America::New_York;
use portbot::domain::{Event, OutboxMessage, Source};

/// Ticks every 30 minutes from `from` until `until` (UTC, RFC 3339).
async fn tick_through(t: &TestDesk, from: &str, until: &str) {
    let mut at: DateTime<Utc> = from.parse().unwrap();
    let end: DateTime<Utc> = until.parse().unwrap();
    while at < end {
        t.clock.set(at);
        t.app.desk.tick().await.unwrap();
        at += Duration::minutes(30);
    }
}

/// Acme's order for 305-555-0100, opened Monday 23 November, submitted, FOC on `date`.
async fn with_foc(t: &TestDesk, date: &str) -> portbot::domain::OrderRef {
    t.at("2026-11-23T15:00:00Z");
    let order = t
        .app
        .desk
        .open_order(acme_request("305-555-0100"), Source::Cli)
        .await
        .unwrap();
    let r = order.reference;
    crate::story::submitted(&t.app.desk, &r).await;
    let foc = Event::FocConfirmed(date.parse().unwrap());
    t.app.desk.act(&r, foc, Source::Chat("dana".into())).await.unwrap();
    r
}

fn local_day(m: &OutboxMessage) -> NaiveDate {
    m.created_at.with_timezone(&New_York).date_naive()
}

fn of(outbox: &[OutboxMessage], template: &str) -> Vec<NaiveDate> {
    outbox
        .iter()
        .filter(|m| m.template == template)
        .map(local_day)
        .collect()
}

fn days(list: &[&str]) -> Vec<NaiveDate> {
    list.iter().map(|d| d.parse().unwrap()).collect()
}

/// No customer e-mail is queued at night, on a weekend or on a holiday, nor is one
/// sent before its window.
fn all_inside_the_window(outbox: &[OutboxMessage]) {
    for m in outbox.iter().filter(|m| m.channel == portbot::domain::Channel::Email) {
        let local = m.created_at.with_timezone(&New_York);
        assert!((8..18).contains(&local.hour()), "{} queued at {local}", m.template);
        assert!(
            portbot::domain::calendar::is_business_day(local.date_naive()),
            "{} on {local}",
            m.template
        );
        assert!(local.weekday().num_days_from_monday() < 5);
    }
}

async fn an_unsigned_order_is_reminded_three_times_around_thanksgiving_then_staff_are_alerted(backend: Backend) {
    let t = TestDesk::start(backend).await;
    // Monday 23 November 2026, 10:00 in New York.
    t.at("2026-11-23T15:00:00Z");
    t.app
        .desk
        .open_order(acme_request("305-555-0100"), Source::Cli)
        .await
        .unwrap();
    tick_through(&t, "2026-11-23T15:00:00Z", "2026-12-05T05:00:00Z").await;
    let outbox = t.app.desk.outbox(true).await.unwrap();
    assert_eq!(
        of(&outbox, "loa_reminder"),
        days(&["2026-11-24", "2026-11-27", "2026-12-01"])
    );
    assert_eq!(
        of(&outbox, "bill_reminder"),
        days(&["2026-11-24", "2026-11-27", "2026-12-01"])
    );
    assert_eq!(of(&outbox, "chat/documents_overdue"), days(&["2026-12-02"]));
    all_inside_the_window(&outbox);
    let first = outbox.iter().find(|m| m.template == "loa_reminder").unwrap();
    assert_eq!(
        first.created_at.with_timezone(&New_York).hour(),
        8,
        "the first tick in the window"
    );
    let timeline = t.app.store.timeline(&"PORT-1001".parse().unwrap()).await.unwrap();
    assert!(timeline
        .iter()
        .any(|e| e.event == "reminder_sent" && e.text == "LOA reminder 3 of 3 e-mailed to ops@acme.example"));
    t.finish().await;
}

on_both_backends!(an_unsigned_order_is_reminded_three_times_around_thanksgiving_then_staff_are_alerted);

async fn ticking_twice_sends_nothing_twice_and_the_second_looks_at_nothing(backend: Backend) {
    let t = TestDesk::start(backend).await;
    t.at("2026-11-23T15:00:00Z");
    t.app
        .desk
        .open_order(acme_request("305-555-0100"), Source::Cli)
        .await
        .unwrap();
    t.at("2026-11-24T15:00:00Z");
    let first = t.app.desk.tick().await.unwrap();
    let second = t.app.desk.tick().await.unwrap();
    assert_eq!((first.customer_reminders, first.already_done), (2, 0));
    // The order's next attention is Friday's reminder: the second tick has nothing to read.
    assert_eq!((first.orders_checked, second.orders_checked), (1, 0));
    assert_eq!((second.customer_reminders, second.already_done), (0, 0));
    let emails = t
        .app
        .desk
        .outbox(true)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.template.ends_with("_reminder"));
    assert_eq!(emails.count(), 2);
    t.finish().await;
}

on_both_backends!(ticking_twice_sends_nothing_twice_and_the_second_looks_at_nothing);

async fn routing_requests_land_three_and_one_business_days_before_the_foc(backend: Backend) {
    let t = TestDesk::start(backend).await;
    with_foc(&t, "2026-12-08").await;
    tick_through(&t, "2026-11-30T05:00:00Z", "2026-12-09T05:00:00Z").await;
    let outbox = t.app.desk.outbox(true).await.unwrap();
    assert_eq!(of(&outbox, "routing_request"), days(&["2026-12-03", "2026-12-07"]));
    assert_eq!(
        of(&outbox, "chat/routing_unconfirmed"),
        days(&["2026-12-07", "2026-12-08"])
    );
    let foc_mail = outbox.iter().find(|m| m.template == "foc_confirmed").unwrap();
    assert!(foc_mail
        .email
        .as_ref()
        .unwrap()
        .calendar
        .as_ref()
        .unwrap()
        .contains("DTSTART;VALUE=DATE:20261208"));
    all_inside_the_window(&outbox[1..]);
    t.finish().await;
}

on_both_backends!(routing_requests_land_three_and_one_business_days_before_the_foc);

async fn a_foc_set_at_night_waits_for_the_morning(backend: Backend) {
    let t = TestDesk::start(backend).await;
    t.at("2026-11-23T15:00:00Z");
    let order = t
        .app
        .desk
        .open_order(acme_request("305-555-0100"), Source::Cli)
        .await
        .unwrap();
    let r = &order.reference;
    crate::story::submitted(&t.app.desk, r).await;
    // Wednesday 25 November, 22:00 in New York; Thursday is Thanksgiving.
    t.at("2026-11-26T03:00:00Z");
    t.app
        .desk
        .act(
            r,
            Event::FocConfirmed("2026-12-08".parse().unwrap()),
            Source::Chat("dana".into()),
        )
        .await
        .unwrap();
    let outbox = t.app.desk.outbox(false).await.unwrap();
    let mail = outbox.iter().find(|m| m.template == "foc_confirmed").unwrap();
    let opens = mail
        .email
        .as_ref()
        .unwrap()
        .send_after
        .unwrap()
        .with_timezone(&New_York);
    assert_eq!(
        opens.to_string(),
        "2026-11-27 08:00:00 EST",
        "Friday 08:00, not Thanksgiving"
    );
    assert!(t
        .app
        .desk
        .sending()
        .claim(
            portbot::domain::Channel::Email,
            "test",
            std::time::Duration::from_secs(60),
            10
        )
        .await
        .unwrap()
        .is_empty());
    t.at("2026-11-27T13:00:00Z");
    assert_eq!(
        t.app
            .desk
            .sending()
            .claim(
                portbot::domain::Channel::Email,
                "test",
                std::time::Duration::from_secs(60),
                10
            )
            .await
            .unwrap()
            .len(),
        1
    );
    t.finish().await;
}

on_both_backends!(a_foc_set_at_night_waits_for_the_morning);

async fn an_foc_date_passed_without_a_completion_is_alerted_and_in_the_digest(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let r = &with_foc(&t, "2026-12-03").await;
    // Port day comes and goes; the carrier never sends the completion.
    tick_through(&t, "2026-12-03T05:00:00Z", "2026-12-08T05:00:00Z").await;
    let outbox = t.app.desk.outbox(true).await.unwrap();
    assert_eq!(of(&outbox, "chat/foc_passed"), days(&["2026-12-04"]), "staff hear once");
    // Monday night: Friday and Monday have passed since port day.
    let digest = t.app.desk.digest().await.unwrap();
    assert!(
        digest.body.contains(&format!(
            "{r} (ACME-001: FOC date 2026-12-03 passed 2 business day(s) ago"
        )),
        "{}",
        digest.body
    );
    t.finish().await;
}

on_both_backends!(an_foc_date_passed_without_a_completion_is_alerted_and_in_the_digest);
