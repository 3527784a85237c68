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
}

impl Reminder {
    pub fn to_customer(self) -> bool {
        matches!(
            self,
            Reminder::Loa { .. } | Reminder::Bill { .. } | Reminder::Correction { .. } | Reminder::Routing { .. }
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
    let r = &order.reference;
    let tz = order.time_zone;
    let mut out = Vec::new();
    let mut push = |reminder: Reminder, key: String| {
        if in_window || !reminder.to_customer() {
            out.push(Due { reminder, key });
        }
    };
    let awaiting = matches!(order.state, OrderState::AwaitingDocuments | OrderState::Ready);
    let opened = order.opened_at.with_timezone(&tz).date_naive();
    if awaiting {
        let series = latest_of(&cadence.documents_days, |d| add_business_days(opened, d) <= today);
        if order.loa_signed_at.is_none() {
            if let Some((n, d)) = series {
                push(
                    Reminder::Loa {
                        n,
                        of: cadence.documents_days.len(),
                    },
                    format!("{r}:loa:{opened}:{d}"),
                );
            }
        }
        if order.bill.is_none() {
            if let Some((n, d)) = series {
                push(
                    Reminder::Bill {
                        n,
                        of: cadence.documents_days.len(),
                    },
                    format!("{r}:bill:{opened}:{d}"),
                );
            }
        }
        let missing = order.loa_signed_at.is_none() || order.bill.is_none();
        if missing && add_business_days(opened, cadence.documents_alert_day) <= today {
            push(Reminder::DocumentsOverdue, format!("{r}:documents-overdue:{opened}"));
        }
    }
    if let (OrderState::Rejected, Some(at)) = (order.state, order.rejection.as_ref().and_then(|j| j.at)) {
        let rejected = at.with_timezone(&tz).date_naive();
        let stamp = at.timestamp();
        if let Some((n, d)) = latest_of(&cadence.correction_days, |d| add_business_days(rejected, d) <= today) {
            push(
                Reminder::Correction {
                    n,
                    of: cadence.correction_days.len(),
                },
                format!("{r}:correction:{stamp}:{d}"),
            );
        }
        if add_business_days(rejected, cadence.correction_alert_day) <= today {
            push(Reminder::RejectionUnfixed, format!("{r}:rejection-unfixed:{stamp}"));
        }
    }
    if let (OrderState::FocConfirmed, Some(foc)) = (order.state, order.foc_date) {
        if !order.routing_confirmed() && today <= foc {
            let before = |days: i32| add_business_days(foc, -days) <= today;
            if let Some((_, days)) = latest_of(&cadence.routing_days_before, before) {
                push(Reminder::Routing { days }, format!("{r}:routing:{foc}:{days}"));
            }
            // The FOC-morning alert waits for the morning, like the customer's mail.
            let alert = latest_of(&cadence.routing_alert_days_before, |days| {
                before(days) && (days > 0 || time >= cadence.window_opens)
            });
            if let Some((_, days)) = alert {
                push(
                    Reminder::RoutingUnconfirmed { days },
                    format!("{r}:routing-unconfirmed:{foc}:{days}"),
                );
            }
        }
    }
    if let (OrderState::Submitted, Some(at)) = (order.state, order.submitted_at) {
        let submitted = at.with_timezone(&tz).date_naive();
        let silent = business_days_between(submitted, today);
        let first = i64::from(cadence.carrier_silent_after);
        if silent >= first {
            let every = i64::from(cadence.carrier_silent_every.max(1));
            let days = first + (silent - first) / every * every;
            push(
                Reminder::CarrierSilent { days },
                format!("{r}:carrier-silent:{}:{days}", at.timestamp()),
            );
        }
    }
    if let Some(end) = order.contract_end {
        let left = (end - today).num_days();
        let mut marks = cadence.contract_days.clone();
        marks.sort_unstable();
        if let Some(days) = marks.into_iter().find(|m| left <= *m) {
            push(
                Reminder::ContractEnding { days: left.max(0) },
                format!("{r}:contract:{end}:{days}"),
            );
        }
    }
    out
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
