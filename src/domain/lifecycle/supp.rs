//! Supplements (SUPPs): staff change an order after it was submitted (drop numbers, a
//! new BTN or another corrected detail, a new requested port date), each a numbered
//! version on the timeline, and send it to the carrier again. Dropping the numbers a
//! partial port left behind finishes the port instead.

use super::{guard, on_order, NotAllowed, Notice, Step, OPEN};
use crate::domain::detail::Detail;
use crate::domain::order::{NumberStatus, Order, OrderState as S};
use crate::domain::phone::PhoneNumber;
use chrono::{DateTime, NaiveDate, Utc};

/// One change a supplement makes.
#[derive(Debug, Clone)]
pub enum Supp {
    /// These numbers leave the order (not portable, staying with the carrier, not wanted).
    Drop(Vec<PhoneNumber>),
    /// A corrected detail the carrier checks (BTN, account number, name, address, PIN).
    Detail(Detail),
    /// Ask the carrier for this port date.
    DueDate(NaiveDate),
}

pub(super) fn supplemented(
    order: &Order,
    next: &mut Order,
    change: Supp,
    now: DateTime<Utc>,
) -> Result<Step, NotAllowed> {
    guard(order, OPEN, "changing the order")?;
    let what = match change {
        Supp::Drop(numbers) => drop_numbers(order, next, &numbers)?,
        Supp::Detail(detail) if !detail.changes_the_submission() => {
            return Err(NotAllowed::NotASupp(format!(
                "that detail is not sent to the carrier: change it with `set {} ...`",
                order.reference
            )))
        }
        Supp::Detail(detail) => detail.apply_to(next)?,
        Supp::DueDate(date) => {
            let today = now.with_timezone(&order.time_zone).date_naive();
            if date < today {
                return Err(NotAllowed::FocInPast { date, today });
            }
            next.requested_date = Some(date);
            format!("port date {date} requested")
        }
    };
    if next.port_finished() {
        next.state = S::Completed;
        let text = format!("{what}; every other number is ported: port completed");
        return Ok(Step::new("completed", text).telling(Notice::Completed));
    }
    if order.submitted_at.is_none() {
        // Not with the carrier yet: a plain change, the state follows the documents.
        return Ok(Step::new("changed", what).correcting());
    }
    next.supplements += 1;
    next.foc_date = None;
    next.state = if next.documents_complete() {
        S::Ready
    } else {
        S::AwaitingDocuments
    };
    let r = &order.reference;
    let text = format!(
        "SUPP {}: {what}; send it to {}: submit {r}",
        next.supplements, order.carrier
    );
    Ok(Step::new("supplemented", text))
}

/// Marks `numbers` removed; a ported number cannot leave, and one number must stay
/// (dropping every number is a cancellation).
fn drop_numbers(order: &Order, next: &mut Order, numbers: &[PhoneNumber]) -> Result<String, NotAllowed> {
    if numbers.is_empty() {
        return Err(NotAllowed::Empty("name the numbers to drop"));
    }
    for n in numbers {
        let line = on_order(order, n)?;
        if line.status == NumberStatus::Ported {
            return Err(NotAllowed::NotASupp(format!(
                "{n} is already ported: it cannot be dropped"
            )));
        }
    }
    for line in next.numbers.iter_mut().filter(|l| numbers.contains(&l.number)) {
        line.status = NumberStatus::Removed;
        line.route = None;
    }
    if next.numbers.iter().all(|l| l.status == NumberStatus::Removed) {
        return Err(NotAllowed::NotASupp(format!(
            "that drops every number: cancel the order instead (`cancel {}`)",
            order.reference
        )));
    }
    let list: Vec<String> = numbers.iter().map(|n| n.e164()).collect();
    Ok(format!("dropped {}", list.join(", ")))
}
