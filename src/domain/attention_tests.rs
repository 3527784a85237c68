use super::*;
use crate::domain::reminders::due;
use crate::domain::testing::order;
use crate::domain::{OrderState, RejectCode, Rejection};
use std::collections::BTreeSet;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// Opened Monday 23 November 2026 at 10:00 in New York.
fn acme() -> Order {
    order(1001, "305-555-0100", "ops@acme.example")
}

#[test]
fn a_new_order_needs_the_desk_when_the_first_reminder_is_due() {
    let cadence = Cadence::default();
    let o = acme();
    // Business day 1 is Tuesday; the LOA and bill reminders go when the window opens.
    let first = next_attention(&o, at("2026-11-23T15:00:00Z"), &cadence, &[]);
    assert_eq!(first, Some(at("2026-11-24T13:00:00Z")), "Tuesday 08:00 in New York");
    // Taken then: the next is business day 3, Friday (Thursday is Thanksgiving).
    let now = at("2026-11-24T15:00:00Z");
    let local = now.with_timezone(&o.time_zone).naive_local();
    let handled: Vec<String> = due(&o, local.date(), local.time(), &cadence)
        .into_iter()
        .map(|d| d.key)
        .collect();
    assert_eq!(handled.len(), 2);
    assert_eq!(
        next_attention(&o, now, &cadence, &handled),
        Some(at("2026-11-27T13:00:00Z"))
    );
    // Not yet taken (a change before the tick came): it is due now.
    assert_eq!(next_attention(&o, now, &cadence, &[]), Some(now));
}

#[test]
fn a_closed_order_needs_nothing_and_a_quiet_one_is_looked_at_again_at_the_horizon() {
    let cadence = Cadence::default();
    let mut closed = acme();
    closed.state = OrderState::Cancelled;
    assert_eq!(next_attention(&closed, at("2026-11-24T15:00:00Z"), &cadence, &[]), None);
    let mut waiting = acme();
    waiting.state = OrderState::FocConfirmed;
    waiting.foc_date = Some("2027-06-01".parse().unwrap());
    for line in &mut waiting.numbers {
        line.route = Some("ext 201".parse().unwrap());
    }
    let next = next_attention(&waiting, at("2026-11-24T15:00:00Z"), &cadence, &[]).unwrap();
    assert_eq!(
        next.date_naive(),
        "2027-01-08".parse::<NaiveDate>().unwrap(),
        "45 days on"
    );
}

/// Every key the hourly tick would take, from `start` for `days`.
fn hourly(o: &Order, start: DateTime<Utc>, days: i64, cadence: &Cadence) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for hour in 0..days * 24 {
        let now = start + chrono::Duration::hours(hour);
        let local = now.with_timezone(&o.time_zone).naive_local();
        keys.extend(due(o, local.date(), local.time(), cadence).into_iter().map(|d| d.key));
    }
    keys
}

/// The keys taken when the tick looks only at orders whose attention has come.
fn by_attention(o: &Order, start: DateTime<Utc>, days: i64, cadence: &Cadence) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    let mut attention = next_attention(o, start, cadence, &[]);
    for hour in 0..days * 24 {
        let now = start + chrono::Duration::hours(hour);
        if attention.is_some_and(|a| a <= now) {
            let local = now.with_timezone(&o.time_zone).naive_local();
            let handled: Vec<String> = due(o, local.date(), local.time(), cadence)
                .into_iter()
                .map(|d| d.key)
                .collect();
            keys.extend(handled.iter().cloned());
            attention = next_attention(o, now, cadence, &handled);
        }
    }
    keys
}

#[test]
fn following_the_attention_takes_every_reminder_the_hourly_tick_takes() {
    let cadence = Cadence::default();
    let start = at("2026-11-23T15:30:00Z");
    let awaiting = acme();
    let mut rejected = acme();
    rejected.state = OrderState::Rejected;
    rejected.rejection = Some(Rejection {
        code: RejectCode::LocationMismatch,
        reason: "address".into(),
        at: Some(at("2026-11-23T16:00:00Z")),
    });
    let mut submitted = acme();
    submitted.state = OrderState::Submitted;
    submitted.submitted_at = Some(at("2026-11-23T16:00:00Z"));
    submitted.contract_end = Some("2026-12-20".parse().unwrap());
    let mut foc = acme();
    foc.state = OrderState::FocConfirmed;
    foc.foc_date = Some("2026-12-08".parse().unwrap());
    let mut in_tokyo = acme();
    in_tokyo.time_zone = chrono_tz::Asia::Tokyo;
    for o in [awaiting, rejected, submitted, foc, in_tokyo] {
        let every_hour = hourly(&o, start, 40, &cadence);
        assert!(!every_hour.is_empty(), "{:?} has reminders to take", o.state);
        assert_eq!(
            by_attention(&o, start, 40, &cadence),
            every_hour,
            "{:?} in {}",
            o.state,
            o.time_zone
        );
    }
}
