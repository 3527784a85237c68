//! The whole decision about one inbound message, pure: from what it says, who sent it
//! and the order it matched (loaded by the desk), what changes on the order, who is
//! answered, and whether a person must look. The desk renders the plan's messages and
//! saves it in one transaction.

use super::{decide, Decision, Facts, Match, Outcome, Sender, StaffReason};
use crate::domain::customer_mail::{Addressing, CustomerMail};
use crate::domain::lifecycle::{apply, Applied};
use crate::domain::{EmailAddress, Event, Language, OrderRef};
use crate::parse::classify::Kind;
use crate::parse::Parsed;
use chrono::{DateTime, Utc};

/// A message as the decision needs it.
#[derive(Debug, Clone)]
pub struct Message<'a> {
    pub parsed: &'a Parsed,
    pub sender: Option<&'a EmailAddress>,
    /// The sender as the timeline writes it.
    pub sender_text: String,
    pub message_id: &'a str,
    /// The language it is written in, when it could be told.
    pub language: Option<Language>,
    /// The loop guards allow an answer (not an auto-reply, a bounce, a list, our own mail).
    pub may_answer: bool,
    /// The sender's own domain proved it sent the message.
    pub proven: bool,
}

/// What the desk does with a message.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The change to its order.
    pub applied: Option<Applied>,
    /// The files it brought are kept with the order (a bill).
    pub keep_documents: bool,
    /// E-mails to the order's contacts besides those the change itself sends.
    pub mails: Vec<(CustomerMail, Addressing)>,
    /// A sender who is not a contact asked about a port: a polite answer that says
    /// nothing about any order.
    pub refuse: Option<EmailAddress>,
    pub taken: Taken,
}

/// What the desk did with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    /// It changed (or was recorded on) an order.
    Applied { order: OrderRef, event: String },
    /// It waits in the staff queue, filed on an order when one is known.
    HandedToStaff { order: Option<OrderRef>, reason: String },
    /// It was applied before (same place in the mailbox, or same Message-ID).
    AlreadySeen,
}

impl Taken {
    pub fn describe(&self) -> String {
        match self {
            Taken::Applied { order, event } => format!("{event} on {order}"),
            Taken::HandedToStaff { order: Some(o), reason } => format!("handed to staff ({o}): {reason}"),
            Taken::HandedToStaff { order: None, reason } => format!("handed to staff: {reason}"),
            // Taken before: applied then, or handed to staff; either way not again.
            Taken::AlreadySeen => {
                "already taken earlier (applied, or waiting in `inbox`): nothing done again".to_string()
            }
        }
    }
}

/// Decides everything a message does. `facts` are there when an order matched.
pub fn plan(message: &Message, matched: &Match, facts: Option<&Facts>, now: DateTime<Utc>) -> Plan {
    let decision = match (matched, facts) {
        (Match::Found(_), Some(facts)) => decide(message.parsed, facts),
        (Match::Ambiguous(refs), _) => Decision::staff(StaffReason::Ambiguous(refs.clone())),
        _ => Decision::staff(unread(message)),
    };
    let stranger = matches!(decision.staff, Some(StaffReason::NotAContact | StaffReason::Unmatched));
    let mut staff = decision.staff.as_ref().map(StaffReason::text);
    let mut plan = Plan {
        applied: None,
        keep_documents: false,
        mails: Vec::new(),
        refuse: None,
        taken: Taken::AlreadySeen,
    };
    if let (Some(outcome), Some(facts)) = (decision.outcome, facts) {
        match applied(message, outcome, facts, now) {
            Applying::Applied { applied, is_bill } => {
                plan.keep_documents = is_bill;
                plan.mails = status_reply(message, facts);
                plan.applied = Some(applied);
            }
            Applying::Refused { why, logged } => {
                staff = Some(format!("it does not fit the order: {why}"));
                plan.applied = Some(logged);
            }
        }
    }
    // Someone who is not a contact asks about a port: only an address that proved it
    // sent the question is answered (a forged sender gets nothing: no backscatter).
    if let (true, Kind::StatusQuestion, Some(from)) = (stranger, message.parsed.kind, message.sender) {
        if message.proven && message.may_answer {
            plan.refuse = Some(from.clone());
        }
    }
    let filed_on = facts.map(|f| f.order.reference.clone());
    plan.taken = match (staff, &plan.applied, filed_on) {
        (Some(reason), _, order) => Taken::HandedToStaff { order, reason },
        (None, Some(applied), Some(order)) => Taken::Applied {
            order,
            event: applied.event.to_string(),
        },
        (None, _, order) => Taken::HandedToStaff {
            order,
            reason: "the bot could not tell what to do with it".to_string(),
        },
    };
    plan
}

/// Why a message that matched no order goes to a person: what the bot could not read
/// says so, rather than "no order matches".
fn unread(message: &Message) -> StaffReason {
    match (&message.parsed.error, message.parsed.kind) {
        (Some(error), _) => StaffReason::NotUnderstood(error.clone()),
        (None, Kind::Unknown) if message.sender.is_none() => {
            StaffReason::NotUnderstood("no sender and nothing a porting message says".into())
        }
        (None, Kind::Unknown) => StaffReason::NotUnderstood("not a porting message".into()),
        (None, _) => StaffReason::Unmatched,
    }
}

/// The lifecycle's answer to a message's outcome.
enum Applying {
    Applied {
        applied: Applied,
        is_bill: bool,
    },
    /// The order refused it: why, and the timeline entry that records it instead.
    Refused {
        why: String,
        logged: Applied,
    },
}

fn applied(message: &Message, outcome: Outcome, facts: &Facts, now: DateTime<Utc>) -> Applying {
    let is_bill = matches!(outcome, Outcome::Event(Event::BillReceived(_)));
    let event = match outcome {
        Outcome::Event(e) => e,
        Outcome::Timeline { event, text } => Event::Logged { event, text },
        Outcome::ContactFailing(address) => Event::ContactFailing(address),
    };
    match apply(facts.order, event, now) {
        Ok(mut applied) => {
            // A contact's mail follows the language they write in; an out-of-office or a
            // bounce is written by a machine and says nothing of it.
            let by_a_person = !matches!(message.parsed.kind, Kind::AutoReply | Kind::Bounce);
            if let (Sender::Contact, Some(from), Some(language), true) =
                (&facts.sender, message.sender, message.language, by_a_person)
            {
                applied.order.languages.insert(from.clone(), language);
            }
            Applying::Applied { applied, is_bill }
        }
        Err(not_allowed) => {
            // A notice that does not fit the order changes nothing: it lands on the
            // timeline and a person looks at it.
            let text = format!(
                "{} from {} not applied: {not_allowed}",
                message.parsed.kind.as_str().replace('_', " "),
                message.sender_text
            );
            let heard = Event::Logged {
                event: "notice_not_applied",
                text,
            };
            // A logged event fits every order.
            let logged = apply(facts.order, heard, now).unwrap_or_else(|_| Applied {
                order: facts.order.clone(),
                event: "notice_not_applied",
                text: not_allowed.to_string(),
                notice: None,
            });
            Applying::Refused {
                why: not_allowed.to_string(),
                logged,
            }
        }
    }
}

/// A contact's question about their port is answered, to them alone, in its thread.
fn status_reply(message: &Message, facts: &Facts) -> Vec<(CustomerMail, Addressing)> {
    match (message.parsed.kind, &facts.sender, message.sender) {
        (Kind::StatusQuestion, Sender::Contact, Some(from)) if message.may_answer => vec![(
            CustomerMail::StatusReply,
            Addressing {
                only: Some(from.clone()),
                answers: Some(message.message_id.to_string()),
            },
        )],
        _ => Vec::new(),
    }
}

impl StaffReason {
    /// Why a person must look, in words staff act on.
    pub fn text(&self) -> String {
        match self {
            StaffReason::Unmatched => "no order matches it: attach it to the right order or dismiss it".to_string(),
            StaffReason::Ambiguous(refs) => {
                let refs: Vec<String> = refs.iter().map(|r| r.to_string()).collect();
                format!("it could be about {}: attach it to the right one", refs.join(" or "))
            }
            StaffReason::UntrustedNotice => {
                "a carrier-style notice from a domain that is not a trusted carrier or vendor: check it is genuine"
                    .to_string()
            }
            StaffReason::Unproven { domain, why } => format!(
                "a notice in the name of {domain} that does not prove it came from there ({why}): nothing changed; \
                 check with the carrier before acting on it"
            ),
            StaffReason::NotItsCarrier { domain, carrier } => format!(
                "a notice from {domain}, which does not speak for {carrier}: nothing changed; check it is about this \
                 order"
            ),
            StaffReason::DoesNotFit(why) => format!("it does not fit the order ({why}): nothing changed"),
            StaffReason::UnverifiedContact(why) => format!(
                "unverified: it carries a contact's address but does not prove it came from there ({why}); nothing \
                 was told or changed: confirm with the contact before acting"
            ),
            StaffReason::NotAContact => {
                "the sender is not a contact of the order: nothing was told or changed".to_string()
            }
            StaffReason::NotUnderstood(why) => format!("the bot could not understand it ({why})"),
            StaffReason::Unsure(reading) => format!(
                "the bot is not sure what it says ({reading}): read it, then attach it to apply the reading, or act \
                 by hand"
            ),
            StaffReason::NeedsAPerson(what) => what.to_string(),
        }
    }
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
