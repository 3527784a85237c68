use super::*;
use chrono::{DateTime, Utc};

/// Opened Monday 23 November 2026 at 10:00 in New York.
fn order() -> Order {
    crate::domain::testing::order(1001, "305-555-0100", "ops@acme.example")
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn at(h: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, 0, 0).unwrap()
}

fn loa(order: &Order, date: &str, hour: u32) -> Vec<Reminder> {
    due(order, day(date), at(hour), &Cadence::default())
        .into_iter()
        .map(|d| d.reminder)
        .filter(|r| matches!(r, Reminder::Loa { .. } | Reminder::DocumentsOverdue))
        .collect()
}

#[test]
fn loa_reminders_come_one_three_and_five_business_days_after_opening_skipping_thanksgiving() {
    let o = order();
    assert!(loa(&o, "2026-11-23", 11).is_empty());
    assert_eq!(loa(&o, "2026-11-24", 9), [Reminder::Loa { n: 1, of: 3 }]);
    assert_eq!(
        loa(&o, "2026-11-25", 9),
        [Reminder::Loa { n: 1, of: 3 }],
        "same key: sent once"
    );
    assert!(loa(&o, "2026-11-26", 9).is_empty(), "Thanksgiving");
    assert_eq!(loa(&o, "2026-11-27", 9), [Reminder::Loa { n: 2, of: 3 }]);
    assert!(loa(&o, "2026-11-28", 9).is_empty(), "Saturday");
    assert_eq!(loa(&o, "2026-12-01", 9), [Reminder::Loa { n: 3, of: 3 }]);
    assert_eq!(
        loa(&o, "2026-12-02", 9),
        [Reminder::Loa { n: 3, of: 3 }, Reminder::DocumentsOverdue]
    );
}

#[test]
fn customer_reminders_wait_for_the_window_and_staff_alerts_do_not() {
    let o = order();
    assert!(loa(&o, "2026-11-24", 7).is_empty(), "before 08:00");
    assert!(loa(&o, "2026-11-24", 18).is_empty(), "after 18:00");
    assert_eq!(loa(&o, "2026-12-02", 22), [Reminder::DocumentsOverdue]);
}

#[test]
fn a_signed_loa_stops_its_reminders_and_keys_name_each_occurrence() {
    let mut o = order();
    let keys: Vec<String> = due(&o, day("2026-11-27"), at(9), &Cadence::default())
        .into_iter()
        .map(|d| d.key)
        .collect();
    assert_eq!(keys, ["PORT-1001:loa:2026-11-23:3", "PORT-1001:bill:2026-11-23:3"]);
    o.loa_signed_at = Some("2026-11-24T15:00:00Z".parse::<DateTime<Utc>>().unwrap());
    assert!(loa(&o, "2026-11-27", 9).is_empty());
}

#[test]
fn routing_requests_come_three_and_one_business_days_before_the_foc() {
    let mut o = order();
    o.state = OrderState::FocConfirmed;
    o.foc_date = Some(day("2026-12-08")); // a Tuesday
    let routing = |date: &str, hour: u32| -> Vec<Reminder> {
        due(&o, day(date), at(hour), &Cadence::default())
            .into_iter()
            .map(|d| d.reminder)
            .filter(|r| matches!(r, Reminder::Routing { .. } | Reminder::RoutingUnconfirmed { .. }))
            .collect()
    };
    assert!(routing("2026-12-02", 10).is_empty());
    assert_eq!(routing("2026-12-03", 10), [Reminder::Routing { days: 3 }]);
    assert_eq!(
        routing("2026-12-07", 10),
        [Reminder::Routing { days: 1 }, Reminder::RoutingUnconfirmed { days: 1 }]
    );
    assert_eq!(
        routing("2026-12-08", 7),
        [Reminder::RoutingUnconfirmed { days: 1 }],
        "before the morning"
    );
    assert_eq!(
        routing("2026-12-08", 8),
        [Reminder::Routing { days: 1 }, Reminder::RoutingUnconfirmed { days: 0 }]
    );
    assert!(routing("2026-12-09", 10).is_empty(), "after port day");
}

#[test]
fn a_silent_carrier_is_flagged_after_five_business_days_then_every_two() {
    let mut o = order();
    o.state = OrderState::Submitted;
    o.submitted_at = Some("2026-11-23T16:00:00Z".parse().unwrap());
    let silent = |date: &str| -> Vec<Reminder> {
        due(&o, day(date), at(10), &Cadence::default())
            .into_iter()
            .map(|d| d.reminder)
            .filter(|r| matches!(r, Reminder::CarrierSilent { .. }))
            .collect()
    };
    assert!(silent("2026-11-27").is_empty());
    assert_eq!(silent("2026-12-01"), [Reminder::CarrierSilent { days: 5 }]);
    assert_eq!(silent("2026-12-02"), [Reminder::CarrierSilent { days: 5 }]);
    assert_eq!(silent("2026-12-03"), [Reminder::CarrierSilent { days: 7 }]);
}

#[test]
fn a_contract_ending_is_flagged_at_thirty_days_and_again_at_seven() {
    let mut o = order();
    o.contract_end = Some(day("2026-12-31"));
    let keys = |date: &str| -> Vec<String> {
        due(&o, day(date), at(10), &Cadence::default())
            .into_iter()
            .filter(|d| matches!(d.reminder, Reminder::ContractEnding { .. }))
            .map(|d| d.key)
            .collect()
    };
    assert!(keys("2026-11-30").is_empty());
    assert_eq!(keys("2026-12-01"), ["PORT-1001:contract:2026-12-31:30"]);
    assert_eq!(keys("2026-12-24"), ["PORT-1001:contract:2026-12-31:7"]);
}

fn stuck_alerts(o: &Order, date: &str) -> Vec<Due> {
    due(o, day(date), at(10), &Cadence::default())
        .into_iter()
        .filter(|d| matches!(d.reminder, Reminder::FocPassed { .. } | Reminder::ReadyIdle { .. }))
        .collect()
}

#[test]
fn an_foc_date_passed_without_a_completion_alerts_staff_once_per_date() {
    let mut o = order();
    o.state = OrderState::FocConfirmed;
    o.foc_date = Some(day("2026-12-03"));
    assert!(stuck_alerts(&o, "2026-12-03").is_empty(), "port day itself is not late");
    let late = stuck_alerts(&o, "2026-12-04");
    assert_eq!(late[0].reminder, Reminder::FocPassed { days: 1 });
    assert_eq!(late[0].key, "PORT-1001:foc-passed:2026-12-03");
    assert_eq!(
        stuck_alerts(&o, "2026-12-08")[0].key,
        late[0].key,
        "one alert, not one a day"
    );
}

#[test]
fn an_order_ready_two_business_days_and_not_submitted_alerts_staff() {
    let mut o = order();
    o.state = OrderState::Ready;
    o.loa_signed_at = Some("2026-11-23T16:00:00Z".parse().unwrap());
    o.bill_received_at = Some("2026-11-24T16:00:00Z".parse().unwrap());
    assert!(stuck_alerts(&o, "2026-11-25").is_empty());
    // Thanksgiving does not count: Wednesday and Friday are the two days.
    assert!(stuck_alerts(&o, "2026-11-26").is_empty());
    let idle = stuck_alerts(&o, "2026-11-27");
    assert_eq!(idle[0].reminder, Reminder::ReadyIdle { days: 2 });
}

#[test]
fn a_contract_ending_after_the_foc_date_is_no_alarm() {
    let mut o = order();
    o.contract_end = Some(day("2026-12-31"));
    o.state = OrderState::FocConfirmed;
    o.foc_date = Some(day("2026-12-08"));
    let contract = |o: &Order| {
        due(o, day("2026-12-02"), at(10), &Cadence::default())
            .into_iter()
            .any(|d| matches!(d.reminder, Reminder::ContractEnding { .. }))
    };
    assert!(!contract(&o), "the numbers move before the contract ends");
    o.foc_date = Some(day("2027-01-05"));
    assert!(contract(&o), "the contract ends first: urgent");
    // The customer is asked once to keep the old service: one key for every alert.
    let asked = |date: &str| -> Vec<String> {
        due(&o, day(date), at(10), &Cadence::default())
            .into_iter()
            .filter(|d| d.reminder == Reminder::KeepServiceActive)
            .map(|d| d.key)
            .collect()
    };
    assert_eq!(asked("2026-12-02"), ["PORT-1001:keep-service:2026-12-31"]);
    assert_eq!(asked("2026-12-24"), asked("2026-12-02"));
}
