//! When the desk reminds customers and alerts staff (design.md's table), pure: given
//! an order, the customer's local date and time, and the cadence, which reminders are
//! due now. Each has a key naming its occurrence, so that it is sent once whichever bot
//! replica gets there first. A reminder missed while the bot was down is not sent late
//! if a later one of the same series is already due: only the latest counts.

use super::calendar::{add_business_days, business_days_between, is_business_day};
use super::order::{Order, OrderState};
use chrono::{NaiveDate, NaiveTime};

/// Every figure of the reminder table, as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cadence {
    /// Business days after the order opened for the LOA and bill reminders.
    pub documents_days: Vec<i32>,
    /// Business days after it opened to alert staff that documents are still missing.
    pub documents_alert_day: i32,
    /// Business days after a rejection to remind the customer (the notice itself goes at once).
    pub correction_days: Vec<i32>,
    pub correction_alert_day: i32,
    /// Business days before the FOC date to ask where numbers ring.
    pub routing_days_before: Vec<i32>,
    /// Business days before the FOC date (0: the FOC morning) to alert staff.
    pub routing_alert_days_before: Vec<i32>,
    /// Business days after submission with no word from the carrier, then every `carrier_silent_every`.
    pub carrier_silent_after: i32,
    pub carrier_silent_every: i32,
    /// Business days an order may sit `ready` without being submitted before staff hear.
    pub ready_alert_days: i32,
    /// Calendar days before the contract ends.
    pub contract_days: Vec<i64>,
    /// Customer e-mails go out between these local times on business days.
    pub window_opens: NaiveTime,
    pub window_closes: NaiveTime,
    /// When the staff channel's daily digest goes out (desk time zone, business days).
    pub digest_at: NaiveTime,
}

impl Default for Cadence {
    fn default() -> Self {
        Self {
            documents_days: vec![1, 3, 5],
            documents_alert_day: 6,
            correction_days: vec![1, 2],
            correction_alert_day: 3,
            routing_days_before: vec![3, 1],
            routing_alert_days_before: vec![1, 0],
            carrier_silent_after: 5,
            carrier_silent_every: 2,
            ready_alert_days: 2,
            contract_days: vec![30, 7],
            window_opens: NaiveTime::from_hms_opt(8, 0, 0).expect("08:00"),
            window_closes: NaiveTime::from_hms_opt(18, 0, 0).expect("18:00"),
            digest_at: NaiveTime::from_hms_opt(9, 0, 0).expect("09:00"),
        }
    }
}

/// What is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminder {
    /// To the customer: sign the e-LOA (`n` of `of`).
    Loa { n: usize, of: usize },
    /// To the customer: send the latest bill.
    Bill { n: usize, of: usize },
    /// To staff: documents still missing after the last reminder.
    DocumentsOverdue,
    /// To the customer: the rejection still needs their correction.
    Correction { n: usize, of: usize },
    /// To staff: the rejection is still not fixed.
    RejectionUnfixed,
    /// To the customer: say where each number rings, `days` business days before port day.
    Routing { days: i32 },
    /// To staff: routing unconfirmed with port day `days` business days away (0: today).
    RoutingUnconfirmed { days: i32 },
    /// To staff: the carrier has said nothing for `days` business days.
    CarrierSilent { days: i64 },
    /// To staff: the contract with the losing carrier ends in `days` days.
    ContractEnding { days: i64 },
    /// To the customer, once: the contract ends before the port; keep the service active.
    KeepServiceActive,
    /// To staff: ready for `days` business days and still not submitted.
    ReadyIdle { days: i64 },
    /// To staff: the FOC date passed `days` business days ago with no completion.
    FocPassed { days: i64 },
}

impl Reminder {
    pub fn to_customer(self) -> bool {
        matches!(
            self,
            Reminder::Loa { .. }
                | Reminder::Bill { .. }
                | Reminder::Correction { .. }
                | Reminder::Routing { .. }
                | Reminder::KeepServiceActive
        )
    }
}

/// A reminder with the key of its occurrence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub reminder: Reminder,
    pub key: String,
}

/// The reminders due for `order` at local date `today` and time `time` (the customer's).
pub fn due(order: &Order, today: NaiveDate, time: NaiveTime, cadence: &Cadence) -> Vec<Due> {
    if !order.state.is_open() || !is_business_day(today) {
        return Vec::new();
    }
    let in_window = time >= cadence.window_opens && time < cadence.window_closes;
    let when = When { today, time };
    let mut due = documents(order, today, cadence);
    due.extend(correction(order, today, cadence));
    due.extend(routing(order, when, cadence));
    due.extend(carrier_silent(order, today, cadence));
    due.extend(stuck(order, today, cadence));
    due.extend(contract_ending(order, today, cadence));
    // The customer is written to in the sending window only; staff are told at once.
    due.retain(|d| in_window || !d.reminder.to_customer());
    due
}

/// The customer's local day and time of a tick.
#[derive(Debug, Clone, Copy)]
struct When {
    today: NaiveDate,
    time: NaiveTime,
}

fn due_as(reminder: Reminder, key: String) -> Due {
    Due { reminder, key }
}

/// The LOA and the bill, reminded in series from the day the order opened, then staff.
fn documents(order: &Order, today: NaiveDate, cadence: &Cadence) -> Vec<Due> {
    let mut out = Vec::new();
    if !matches!(order.state, OrderState::AwaitingDocuments | OrderState::Ready) {
        return out;
    }
    let r = &order.reference;
    let opened = order.opened_at.with_timezone(&order.time_zone).date_naive();
    let of = cadence.documents_days.len();
    let series = latest_of(&cadence.documents_days, |d| add_business_days(opened, d) <= today);
    if let (None, Some((n, d))) = (order.loa_signed_at, series) {
        out.push(due_as(Reminder::Loa { n, of }, format!("{r}:loa:{opened}:{d}")));
    }
    if let (false, Some((n, d))) = (order.has_current_bill(), series) {
        out.push(due_as(Reminder::Bill { n, of }, format!("{r}:bill:{opened}:{d}")));
    }
    let missing = order.loa_signed_at.is_none() || !order.has_current_bill();
    if missing && add_business_days(opened, cadence.documents_alert_day) <= today {
        out.push(due_as(
            Reminder::DocumentsOverdue,
            format!("{r}:documents-overdue:{opened}"),
        ));
    }
    out
}

/// A rejection the customer has not fixed: reminders, then staff.
fn correction(order: &Order, today: NaiveDate, cadence: &Cadence) -> Vec<Due> {
    let mut out = Vec::new();
    let (OrderState::Rejected, Some(at)) = (order.state, order.rejection.as_ref().and_then(|j| j.at)) else {
        return out;
    };
    let r = &order.reference;
    let rejected = at.with_timezone(&order.time_zone).date_naive();
    let stamp = at.timestamp();
    if let Some((n, d)) = latest_of(&cadence.correction_days, |d| add_business_days(rejected, d) <= today) {
        let of = cadence.correction_days.len();
        out.push(due_as(
            Reminder::Correction { n, of },
            format!("{r}:correction:{stamp}:{d}"),
        ));
    }
    if add_business_days(rejected, cadence.correction_alert_day) <= today {
        out.push(due_as(
            Reminder::RejectionUnfixed,
            format!("{r}:rejection-unfixed:{stamp}"),
        ));
    }
    out
}

/// Routing not confirmed before the FOC date: the customer is asked, then staff alerted.
fn routing(order: &Order, when: When, cadence: &Cadence) -> Vec<Due> {
    let mut out = Vec::new();
    let (OrderState::FocConfirmed, Some(foc)) = (order.state, order.foc_date) else {
        return out;
    };
    if order.routing_confirmed() || when.today > foc {
        return out;
    }
    let r = &order.reference;
    let before = |days: i32| add_business_days(foc, -days) <= when.today;
    if let Some((_, days)) = latest_of(&cadence.routing_days_before, before) {
        out.push(due_as(Reminder::Routing { days }, format!("{r}:routing:{foc}:{days}")));
    }
    // The FOC-morning alert waits for the morning, like the customer's mail.
    let alert = latest_of(&cadence.routing_alert_days_before, |days| {
        before(days) && (days > 0 || when.time >= cadence.window_opens)
    });
    if let Some((_, days)) = alert {
        let key = format!("{r}:routing-unconfirmed:{foc}:{days}");
        out.push(due_as(Reminder::RoutingUnconfirmed { days }, key));
    }
    out
}

/// A carrier that has neither confirmed nor rejected: staff, then again every few days.
fn carrier_silent(order: &Order, today: NaiveDate, cadence: &Cadence) -> Option<Due> {
    let (OrderState::Submitted, Some(at)) = (order.state, order.submitted_at) else {
        return None;
    };
    let submitted = at.with_timezone(&order.time_zone).date_naive();
    let silent = business_days_between(submitted, today);
    let first = i64::from(cadence.carrier_silent_after);
    if silent < first {
        return None;
    }
    let every = i64::from(cadence.carrier_silent_every.max(1));
    let days = first + (silent - first) / every * every;
    let key = format!("{}:carrier-silent:{}:{days}", order.reference, at.timestamp());
    Some(due_as(Reminder::CarrierSilent { days }, key))
}

/// An order nobody moves: ready and not submitted, or past its FOC date with no
/// completion. Staff hear once; the digest lists it every morning.
fn stuck(order: &Order, today: NaiveDate, cadence: &Cadence) -> Option<Due> {
    let r = &order.reference;
    match (order.state, order.foc_date) {
        (OrderState::FocConfirmed, Some(foc)) if foc < today => {
            let days = business_days_between(foc, today).max(1);
            Some(due_as(Reminder::FocPassed { days }, format!("{r}:foc-passed:{foc}")))
        }
        (OrderState::Ready, _) => {
            let since = ready_since(order)?;
            let days = business_days_between(since, today);
            (days >= i64::from(cadence.ready_alert_days))
                .then(|| due_as(Reminder::ReadyIdle { days }, format!("{r}:ready-idle:{since}")))
        }
        _ => None,
    }
}

/// The day an order became ready to submit: its last document, or the fix of its
/// last rejection (the latest of the days the order records).
pub fn ready_since(order: &Order) -> Option<NaiveDate> {
    let latest = [
        order.loa_signed_at,
        order.bill_received_at,
        order.rejection.as_ref().and_then(|j| j.at),
    ]
    .into_iter()
    .flatten()
    .max()?;
    Some(latest.with_timezone(&order.time_zone).date_naive())
}

/// The customer's contract with the losing carrier ends before the port (or with no
/// port date yet): urgent, staff told. A contract that ends after the FOC date is no
/// worry: the numbers have moved by then.
fn contract_ending(order: &Order, today: NaiveDate, cadence: &Cadence) -> Vec<Due> {
    let Some(staff) = contract_alert(order, today, cadence) else {
        return Vec::new();
    };
    // The customer hears it once, with the first alert: keep the old service until the port.
    let end = order.contract_end.map(|d| d.to_string()).unwrap_or_default();
    let customer = due_as(
        Reminder::KeepServiceActive,
        format!("{}:keep-service:{end}", order.reference),
    );
    vec![staff, customer]
}

fn contract_alert(order: &Order, today: NaiveDate, cadence: &Cadence) -> Option<Due> {
    let end = order.contract_end?;
    if order.foc_date.is_some_and(|foc| foc < end) {
        return None;
    }
    let left = (end - today).num_days();
    let mut marks = cadence.contract_days.clone();
    marks.sort_unstable();
    let days = marks.into_iter().find(|m| left <= *m)?;
    let key = format!("{}:contract:{end}:{days}", order.reference);
    Some(due_as(Reminder::ContractEnding { days: left.max(0) }, key))
}

/// The last entry of a series whose day has come, with its place (1-based).
fn latest_of(days: &[i32], reached: impl Fn(i32) -> bool) -> Option<(usize, i32)> {
    days.iter()
        .enumerate()
        .filter(|(_, d)| reached(**d))
        .last()
        .map(|(i, d)| (i + 1, *d))
}

#[cfg(test)]
#[path = "reminders_tests.rs"]
mod tests;
