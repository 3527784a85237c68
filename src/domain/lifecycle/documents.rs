//! What the customer's side brings to an order: the LOA, the bill, account details,
//! where numbers ring, notes, and contacts whose mail bounces.

use super::{guard, on_order, NotAllowed, Notice, Numbers, Step, BEFORE_SUBMISSION, NOT_CANCELLED, OPEN};
use crate::domain::bill::Bill;
use crate::domain::detail::Detail;
use crate::domain::email::EmailAddress;
use crate::domain::limits::{too_long, MAX_NOTE};
use crate::domain::order::{Order, OrderState};
use crate::domain::phone::PhoneNumber;
use crate::domain::route::Route;
use chrono::{DateTime, Utc};

pub(super) fn note(text: String) -> Result<Step, NotAllowed> {
    let text = text.trim().to_string();
    if text.is_empty() {
        return Err(NotAllowed::Empty("a note needs some text"));
    }
    if let Some(why) = too_long("the note", &text, MAX_NOTE) {
        return Err(NotAllowed::TooLong(why));
    }
    Ok(Step::new("note", text))
}

pub(super) fn contact_failing(order: &Order, next: &mut Order, address: EmailAddress) -> Result<Step, NotAllowed> {
    if !order.contacts.contains(&address) {
        return Err(NotAllowed::UnknownContact {
            address: address.to_string(),
            reference: order.reference.clone(),
        });
    }
    if !next.failing_contacts.contains(&address) {
        next.failing_contacts.push(address.clone());
    }
    Ok(Step::new("contact_failing", format!("mail to {address} bounced")))
}

pub(super) fn loa_signed(order: &Order, next: &mut Order, now: DateTime<Utc>) -> Result<Step, NotAllowed> {
    guard(order, BEFORE_SUBMISSION, "recording a signed LOA")?;
    if order.loa_signed_at.is_some() && order.state != OrderState::Rejected {
        return Err(super::wrong_state(
            order,
            "recording a signed LOA",
            "The LOA was already signed.",
        ));
    }
    next.loa_signed_at = Some(now);
    Ok(Step::new("loa_signed", "LOA signed").correcting())
}

pub(super) fn bill_received(
    order: &Order,
    next: &mut Order,
    bill: Bill,
    now: DateTime<Utc>,
) -> Result<Step, NotAllowed> {
    guard(order, BEFORE_SUBMISSION, "taking a new bill")?;
    next.bill = Some(bill);
    next.bill_received_at = Some(now);
    let mismatches = next.mismatches();
    let text = if mismatches.is_empty() {
        "bill received: it matches the order".to_string()
    } else {
        let fields: Vec<&str> = mismatches.iter().map(|m| m.field.label()).collect();
        format!("bill received: it differs in {}", fields.join(", "))
    };
    let notice = (!mismatches.is_empty()).then_some(Notice::BillMismatch);
    Ok(Step::new("bill_received", text).telling(notice).correcting())
}

pub(super) fn detail_set(order: &Order, next: &mut Order, detail: Detail) -> Result<Step, NotAllowed> {
    let corrects = detail.changes_the_submission();
    if corrects {
        guard(order, BEFORE_SUBMISSION, "changing the account details")?;
    } else {
        guard(order, OPEN, "changing it")?;
    }
    let on_the_bill = detail.is_on_the_bill();
    let text = detail.apply_to(next)?;
    let text = match next.mismatches().len() {
        _ if !on_the_bill => text,
        0 if next.bill.is_some() => format!("{text}; it now matches the bill"),
        0 => text,
        n => format!("{text}; {n} mismatch(es) with the bill remain"),
    };
    let step = Step::new("detail_set", text);
    Ok(if corrects { step.correcting() } else { step })
}

pub(super) fn routed(order: &Order, next: &mut Order, which: Numbers, route: Route) -> Result<Step, NotAllowed> {
    guard(order, NOT_CANCELLED, "routing")?;
    let targets: Vec<PhoneNumber> = match which {
        Numbers::All => next.numbers.iter().filter(|l| l.is_live()).map(|l| l.number).collect(),
        Numbers::One(n) => vec![on_order(next, &n)?.number],
    };
    if targets.is_empty() {
        return Err(NotAllowed::Empty("no number on the order can be routed"));
    }
    for line in next.numbers.iter_mut().filter(|l| targets.contains(&l.number)) {
        route.fits(line.number_type, &line.number.e164())?;
        line.route = Some(route.clone());
    }
    let which = match which {
        Numbers::All if targets.len() == 1 => "the one number".to_string(),
        Numbers::All => format!("all {} numbers", targets.len()),
        Numbers::One(n) => n.e164(),
    };
    Ok(Step::new("routed", format!("{which} routed to {route}")))
}
