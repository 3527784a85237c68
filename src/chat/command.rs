//! Staff commands as typed in the team chat, parsed into domain values once. A command
//! that cannot be read gets its usage line back, never a guess. Which word is which
//! command is the table in `verbs`; each row's reader is here.

use super::order_details::{parse_detail, parse_open, USAGE_SET};
use super::words::{only_ref, order_and_rest, parse_date, split_word, take_value, usage};
use crate::domain::{
    leading_number, parse_number_list, Detail, Event, Numbers, OrderRef, OrderState, PhoneNumber, PortRequest,
    RejectCode, Route,
};
use chrono::NaiveDate;
use chrono_tz::Tz;

/// The order a `status` asks about.
#[derive(Debug, Clone)]
pub enum Target {
    Order(OrderRef),
    Number(PhoneNumber),
}

#[derive(Debug, Clone)]
pub enum Command {
    Help,
    Status(Target),
    List(Option<OrderState>),
    /// Opens an order; the contacts are told unless `quiet` (the flag).
    Open(Box<PortRequest>, bool),
    Set(OrderRef, Detail),
    LoaSigned(OrderRef),
    Submit(OrderRef),
    /// The port date; `true` when staff checked an unusual date with the carrier.
    Foc(OrderRef, NaiveDate, bool),
    Reject {
        order: OrderRef,
        code: RejectCode,
        reason: String,
        numbers: Vec<PhoneNumber>,
    },
    Route(OrderRef, Numbers, Route),
    /// The carrier ported the numbers, except those it says remain with it.
    Complete(OrderRef, Vec<PhoneNumber>),
    /// A change after submission, sent to the carrier as a supplement.
    Supp(OrderRef, crate::domain::Supp),
    Cancel(OrderRef, String),
    /// A bill that came another way: a file on the bot's machine, or its text.
    Bill(OrderRef, String),
    /// Take back a completion or cancellation made in error.
    Reopen(OrderRef, String),
    Note(OrderRef, String),
    /// The e-mails waiting for a person (`all`: handled ones too).
    Inbox {
        all: bool,
    },
    InboxShow(i64),
    InboxAttach(i64, Option<OrderRef>),
    InboxDismiss(i64, String),
    Customer(super::customer_command::CustomerCommand),
    /// Remind the customer now of what the order waits for from them.
    Remind(OrderRef),
    /// The daily digest, now.
    Digest,
}

impl Command {
    /// Commands that only read may be used by anyone in the channel.
    pub fn changes_an_order(&self) -> bool {
        !matches!(
            self,
            Command::Help
                | Command::Status(_)
                | Command::List(_)
                | Command::Inbox { .. }
                | Command::InboxShow(_)
                | Command::Digest
                | Command::Customer(super::customer_command::CustomerCommand::Show(_))
        )
    }

    /// The lifecycle event a command records on an order, as it is; any other command
    /// back.
    pub fn into_event(self) -> Result<(OrderRef, Event), Command> {
        Ok(match self {
            Command::Set(r, detail) => (r, Event::DetailSet(detail)),
            Command::LoaSigned(r) => (r, Event::LoaSigned),
            Command::Submit(r) => (r, Event::Submitted),
            Command::Foc(r, date, false) => (r, Event::FocConfirmed(date)),
            Command::Foc(r, date, true) => (r, Event::FocChecked(date)),
            Command::Reject {
                order,
                code,
                reason,
                numbers,
            } => (order, Event::Rejected { code, reason, numbers }),
            Command::Route(r, numbers, route) => (r, Event::Routed { numbers, route }),
            Command::Complete(r, remaining) => (r, Event::Completed { remaining }),
            Command::Supp(r, change) => (r, Event::Supplemented(change)),
            Command::Cancel(r, reason) => (r, Event::Cancelled { reason }),
            Command::Note(r, text) => (r, Event::Noted(text)),
            other => return Err(other),
        })
    }

    /// Reading a customer's whole e-mail (it may carry a PIN or an account number) is
    /// for staff, like every change.
    pub fn needs_staff(&self) -> bool {
        self.changes_an_order() || matches!(self, Command::InboxShow(_))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("'{0}' is not a command: type `help` for the list")]
    Unknown(String),
    #[error("{problem}. Usage: `{usage}`")]
    Usage { problem: String, usage: &'static str },
}

const USAGE_STATUS: &str = "status PORT-1042 | status 305-555-0100";
const USAGE_LIST: &str = "list [STATE]";
const USAGE_FOC: &str = "foc PORT-1042 YYYY-MM-DD [confirm]";
const USAGE_REJECT: &str = "reject PORT-1042 CODE [numbers=\"...\"] reason";
const USAGE_ROUTE: &str = "route PORT-1042 NUMBER|all TARGET";
const USAGE_BILL: &str = "bill PORT-1042 FILE.pdf|the bill's text";
const USAGE_INBOX: &str = "inbox [all] | inbox show N | inbox attach N [PORT-1042] | inbox dismiss N [why]";

/// Reads a command line. `default_tz` is the time zone of an order opened from chat.
pub fn parse(text: &str, default_tz: Tz) -> Result<Command, CommandError> {
    let text = text.trim();
    let text = text.strip_prefix("!port").map(str::trim_start).unwrap_or(text);
    let text = text.strip_prefix('/').unwrap_or(text);
    let (word, rest) = split_word(text);
    if word.is_empty() {
        return Ok(Command::Help);
    }
    match super::verbs::find(word) {
        Some(verb) => (verb.read)(rest.trim(), default_tz),
        None => Err(CommandError::Unknown(word.to_string())),
    }
}

pub(super) fn help(_: &str, _: Tz) -> Result<Command, CommandError> {
    Ok(Command::Help)
}

pub(super) fn digest(_: &str, _: Tz) -> Result<Command, CommandError> {
    Ok(Command::Digest)
}

pub(super) fn status(rest: &str, _: Tz) -> Result<Command, CommandError> {
    parse_target(rest).map(Command::Status)
}

pub(super) fn list(rest: &str, _: Tz) -> Result<Command, CommandError> {
    if rest.is_empty() {
        return Ok(Command::List(None));
    }
    rest.parse::<OrderState>()
        .map(|s| Command::List(Some(s)))
        .map_err(|p| usage(p, USAGE_LIST))
}

pub(super) fn open(rest: &str, default_tz: Tz) -> Result<Command, CommandError> {
    // `quiet`: staff tell the customer themselves; no acknowledgement goes.
    let words: Vec<&str> = rest.split(' ').collect();
    let quiet = words.iter().any(|w| w.eq_ignore_ascii_case("quiet"));
    let rest = words
        .into_iter()
        .filter(|w| !w.eq_ignore_ascii_case("quiet"))
        .collect::<Vec<_>>()
        .join(" ");
    parse_open(&rest, default_tz).map(|r| Command::Open(Box::new(r), quiet))
}

pub(super) fn set(rest: &str, _: Tz) -> Result<Command, CommandError> {
    let (order, rest) = order_and_rest(rest, USAGE_SET)?;
    let (field, value) = split_word(rest);
    Ok(Command::Set(order, parse_detail(field, value.trim())?))
}

pub(super) fn loa_signed(rest: &str, _: Tz) -> Result<Command, CommandError> {
    Ok(Command::LoaSigned(only_ref(rest, "loa-signed PORT-1042")?))
}

pub(super) fn submit(rest: &str, _: Tz) -> Result<Command, CommandError> {
    Ok(Command::Submit(only_ref(rest, "submit PORT-1042")?))
}

pub(super) fn remind(rest: &str, _: Tz) -> Result<Command, CommandError> {
    Ok(Command::Remind(only_ref(rest, "remind PORT-1042")?))
}

pub(super) fn foc(rest: &str, _: Tz) -> Result<Command, CommandError> {
    let (order, rest) = order_and_rest(rest, USAGE_FOC)?;
    let rest = rest.trim();
    // `confirm` after the date: staff checked an unusual date with the carrier.
    let (date, checked) = match rest.rsplit_once(char::is_whitespace) {
        Some((date, word)) if word.eq_ignore_ascii_case("confirm") => (date.trim(), true),
        _ => (rest, false),
    };
    Ok(Command::Foc(order, parse_date(date, USAGE_FOC)?, checked))
}

pub(super) fn route(rest: &str, _: Tz) -> Result<Command, CommandError> {
    let (order, rest) = order_and_rest(rest, USAGE_ROUTE)?;
    let (numbers, target) = match split_word(rest) {
        (w, tail) if w.eq_ignore_ascii_case("all") => (Numbers::All, tail),
        _ => {
            let (n, tail) = leading_number(rest).map_err(|e| usage(e.to_string(), USAGE_ROUTE))?;
            (Numbers::One(n), tail)
        }
    };
    let route = target
        .trim()
        .parse::<Route>()
        .map_err(|e| usage(e.to_string(), USAGE_ROUTE))?;
    Ok(Command::Route(order, numbers, route))
}

pub(super) fn cancel(rest: &str, _: Tz) -> Result<Command, CommandError> {
    let (order, rest) = order_and_rest(rest, "cancel PORT-1042 [reason]")?;
    Ok(Command::Cancel(order, rest.trim().to_string()))
}

pub(super) fn bill(rest: &str, _: Tz) -> Result<Command, CommandError> {
    let (order, rest) = order_and_rest(rest, USAGE_BILL)?;
    if rest.trim().is_empty() {
        return Err(usage("give the bill's file or its text", USAGE_BILL));
    }
    Ok(Command::Bill(order, rest.trim().to_string()))
}

pub(super) fn reopen(rest: &str, _: Tz) -> Result<Command, CommandError> {
    let (order, rest) = order_and_rest(rest, "reopen PORT-1042 why")?;
    Ok(Command::Reopen(order, rest.trim().to_string()))
}

pub(super) fn note(rest: &str, _: Tz) -> Result<Command, CommandError> {
    let (order, rest) = order_and_rest(rest, "note PORT-1042 text")?;
    Ok(Command::Note(order, rest.trim().to_string()))
}

pub(super) fn customer(rest: &str, _: Tz) -> Result<Command, CommandError> {
    super::customer_command::parse(rest).map(Command::Customer)
}

pub(super) fn inbox(text: &str, _: Tz) -> Result<Command, CommandError> {
    let (verb, rest) = split_word(text);
    let verb = verb.to_ascii_lowercase();
    if verb.is_empty() || verb == "all" {
        return Ok(Command::Inbox { all: verb == "all" });
    }
    let (item, rest) = split_word(rest);
    let item = item.trim_start_matches('#');
    if item.is_empty() {
        return Err(usage(format!("name the inbox item: `inbox {verb} 3`"), USAGE_INBOX));
    }
    let id: i64 = item
        .parse()
        .map_err(|_| usage(format!("'{item}' is not an inbox item number"), USAGE_INBOX))?;
    let rest = rest.trim();
    match verb.as_str() {
        "show" | "read" => Ok(Command::InboxShow(id)),
        "attach" => {
            let order = match rest {
                "" => None,
                r => Some(r.parse::<OrderRef>().map_err(|e| usage(e.to_string(), USAGE_INBOX))?),
            };
            Ok(Command::InboxAttach(id, order))
        }
        "dismiss" | "done" => Ok(Command::InboxDismiss(id, rest.to_string())),
        other => Err(usage(format!("'{other}' is not something the inbox does"), USAGE_INBOX)),
    }
}

fn parse_target(text: &str) -> Result<Target, CommandError> {
    if text.is_empty() {
        return Err(usage("name an order or a number", USAGE_STATUS));
    }
    if let Ok(order) = text.parse::<OrderRef>() {
        return Ok(Target::Order(order));
    }
    match text.parse::<PhoneNumber>() {
        Ok(n) => Ok(Target::Number(n)),
        Err(_) if text.to_ascii_lowercase().starts_with("port") => Err(usage(
            format!("'{text}' is not an order reference: write it as PORT-1042"),
            USAGE_STATUS,
        )),
        Err(e) => Err(usage(e.to_string(), USAGE_STATUS)),
    }
}

pub(super) fn reject(text: &str, _: Tz) -> Result<Command, CommandError> {
    let (order, rest) = order_and_rest(text, USAGE_REJECT)?;
    let (code_word, mut rest) = split_word(rest);
    if code_word.is_empty() {
        return Err(usage("give the reject code", USAGE_REJECT));
    }
    let code = code_word
        .parse::<RejectCode>()
        .map_err(|e| usage(e.to_string(), USAGE_REJECT))?;
    let mut numbers = Vec::new();
    if let Some(after) = rest.trim_start().strip_prefix("numbers=") {
        let (list, tail) = take_value(after);
        numbers = parse_number_list(&list).map_err(|e| usage(e.to_string(), USAGE_REJECT))?;
        rest = tail;
    }
    let reason = rest.trim().to_string();
    if reason.is_empty() {
        return Err(usage("give the carrier's reason", USAGE_REJECT));
    }
    Ok(Command::Reject {
        order,
        code,
        reason,
        numbers,
    })
}

#[cfg(test)]
#[path = "command_tests.rs"]
mod tests;
