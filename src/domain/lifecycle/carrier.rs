//! What happens between our desk and the losing carrier: submission, the FOC date, a
//! rejection, the completion, and a cancellation.

use super::{guard, on_order, wrong_state, NotAllowed, Notice, Step, BEFORE_SUBMISSION, OPEN, WITH_CARRIER};
use crate::domain::calendar::holiday_on;
use crate::domain::limits::{too_long, MAX_NOTE};
use crate::domain::order::{NumberStatus, Order, OrderState as S, Rejection};
use crate::domain::phone::PhoneNumber;
use crate::domain::reject::RejectCode;
use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};

pub(super) fn submitted(order: &Order, next: &mut Order, now: DateTime<Utc>) -> Result<Step, NotAllowed> {
    guard(order, BEFORE_SUBMISSION, "submitting")?;
    if order.state == S::Rejected {
        return Err(wrong_state(
            order,
            "submitting again",
            "Correct the details first (set, a new bill or a new LOA); the order is then ready to submit.",
        ));
    }
    if order.state != S::Ready {
        let missing: Vec<String> = order.blockers().into_iter().map(|b| b.what).collect();
        return Err(NotAllowed::NotReady {
            reference: order.reference.clone(),
            missing: missing.join("; "),
        });
    }
    next.state = S::Submitted;
    next.submitted_at = Some(now);
    next.rejection = None;
    Ok(Step::new("submitted", format!("submitted to {}", order.carrier)))
}

pub(super) fn foc_confirmed(
    order: &Order,
    next: &mut Order,
    date: NaiveDate,
    now: DateTime<Utc>,
    checked: bool,
) -> Result<Step, NotAllowed> {
    guard(order, WITH_CARRIER, "setting an FOC date")?;
    let today = now.with_timezone(&order.time_zone).date_naive();
    if let (Some(why), false) = (foc_doubt(date, today), checked) {
        return Err(NotAllowed::FocDoubtful {
            reference: order.reference.clone(),
            date,
            why,
        });
    }
    next.state = S::FocConfirmed;
    next.foc_date = Some(date);
    Ok(match order.foc_date {
        Some(old) if old == date => Step::new("foc_confirmed", format!("FOC {date} confirmed again")),
        Some(old) => Step::new("foc_changed", format!("FOC moved from {old} to {date}")).telling(Notice::FocSet),
        None => Step::new("foc_confirmed", format!("FOC {date}")).telling(Notice::FocSet),
    })
}

/// Carriers port on business days, soon: an FOC date in the past, on a weekend or a
/// holiday, or more than this many days out is more likely a typo than a port day.
pub const FOC_MAX_DAYS_OUT: i64 = 60;

/// Why `date` is doubtful as a port day seen `today`, if it is.
pub fn foc_doubt(date: NaiveDate, today: NaiveDate) -> Option<String> {
    if date < today {
        return Some(format!("is in the past (today is {today})"));
    }
    if let Some(holiday) = holiday_on(date) {
        return Some(format!("is {holiday}, not a business day"));
    }
    if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
        return Some(format!("is a {}, not a business day", date.format("%A")));
    }
    let days = (date - today).num_days();
    (days > FOC_MAX_DAYS_OUT).then(|| format!("is {days} days away (more than {FOC_MAX_DAYS_OUT})"))
}

pub(super) fn rejected(
    order: &Order,
    next: &mut Order,
    code: RejectCode,
    reason: &str,
    numbers: &[PhoneNumber],
    now: DateTime<Utc>,
) -> Result<Step, NotAllowed> {
    guard(order, WITH_CARRIER, "recording a rejection")?;
    // A carrier's reason is kept whole up to the limit, then cut: the rejection still counts.
    let reason: String = reason.chars().take(MAX_NOTE).collect();
    for n in numbers {
        on_order(order, n)?;
    }
    if code == RejectCode::PhoneNumberNotPortable {
        for line in next.numbers.iter_mut().filter(|l| numbers.contains(&l.number)) {
            line.status = NumberStatus::NotPortable;
        }
    }
    next.state = S::Rejected;
    next.foc_date = None;
    next.rejection = Some(Rejection {
        code,
        reason: reason.trim().to_string(),
        at: Some(now),
    });
    let about = if numbers.is_empty() {
        String::new()
    } else {
        format!(" ({})", numbers.iter().map(|n| n.e164()).collect::<Vec<_>>().join(", "))
    };
    let text = format!("rejected {code}{about}: {}", reason.trim());
    Ok(Step::new("rejected", text).telling(Notice::Rejection))
}

/// The carrier ported every number still pending or left behind, except `remaining`:
/// those stay with it, and the order stays open until they are ported or dropped.
pub(super) fn completed(order: &Order, next: &mut Order, remaining: &[PhoneNumber]) -> Result<Step, NotAllowed> {
    guard(order, WITH_CARRIER, "completing")?;
    for n in remaining {
        on_order(order, n)?;
    }
    let mut ported = Vec::new();
    for line in next.numbers.iter_mut() {
        if !matches!(line.status, NumberStatus::Pending | NumberStatus::Remaining) {
            continue;
        }
        if remaining.contains(&line.number) {
            line.status = NumberStatus::Remaining;
        } else {
            line.status = NumberStatus::Ported;
            ported.push(line.number.e164());
        }
    }
    if ported.is_empty() {
        return Err(NotAllowed::Empty(
            "the completion ports none of the numbers: every one stays with the carrier",
        ));
    }
    if next.port_finished() {
        next.state = S::Completed;
        let text = format!("port completed: {} number(s) ported", ported.len());
        return Ok(Step::new("completed", text).telling(Notice::Completed));
    }
    let left: Vec<String> = next.left_behind().iter().map(|n| n.e164()).collect();
    let text = format!(
        "port partly completed: ported {}; still with {}: {}",
        ported.join(", "),
        order.carrier,
        left.join(", ")
    );
    Ok(Step::new("partly_completed", text).telling(Notice::PartlyCompleted))
}

pub(super) fn cancelled(order: &Order, next: &mut Order, reason: &str) -> Result<Step, NotAllowed> {
    guard(order, OPEN, "cancelling")?;
    if let Some(why) = too_long("the reason", reason, MAX_NOTE) {
        return Err(NotAllowed::TooLong(why));
    }
    next.state = S::Cancelled;
    let reason = reason.trim();
    let text = if reason.is_empty() {
        "cancelled".to_string()
    } else {
        format!("cancelled: {reason}")
    };
    Ok(Step::new("cancelled", text).telling(Notice::Cancelled))
}
