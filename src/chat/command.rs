//! Staff commands as typed in the team chat, parsed into domain values once. A command
//! that cannot be read gets its usage line back, never a guess.

use crate::domain::{
    leading_number, parse_number_list, AccountDetails, Detail, EmailAddress, NumberType, Numbers, OrderKind, OrderRef,
    OrderState, PhoneNumber, Pin, PortRequest, RejectCode, Route,
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
    Open(Box<PortRequest>),
    Set(OrderRef, Detail),
    LoaSigned(OrderRef),
    Submit(OrderRef),
    Foc(OrderRef, NaiveDate),
    Reject {
        order: OrderRef,
        code: RejectCode,
        reason: String,
        numbers: Vec<PhoneNumber>,
    },
    Route(OrderRef, Numbers, Route),
    Complete(OrderRef),
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

/// The fields `set` can change, with the words staff use for them.
pub const SET_FIELDS: &str =
    "account, pin, btn, name, address, authorized, contract-end, contacts, language (en|es), type ([NUMBER] voice|fax|efax)";

const USAGE_STATUS: &str = "status PORT-1042 | status 305-555-0100";
const USAGE_LIST: &str = "list [STATE]";
const USAGE_OPEN: &str =
    "open customer=ACME-001 carrier=\"Comcast Business\" numbers=\"305-555-0100 thru 0103\" contact=ops@acme.example";
const USAGE_SET: &str = "set PORT-1042 FIELD VALUE";
const USAGE_FOC: &str = "foc PORT-1042 YYYY-MM-DD";
const USAGE_REJECT: &str = "reject PORT-1042 CODE [numbers=\"...\"] reason";
const USAGE_ROUTE: &str = "route PORT-1042 NUMBER|all TARGET";
const USAGE_INBOX: &str = "inbox [all] | inbox show N | inbox attach N [PORT-1042] | inbox dismiss N [why]";

/// Reads a command line. `default_tz` is the time zone of an order opened from chat.
pub fn parse(text: &str, default_tz: Tz) -> Result<Command, CommandError> {
    let text = text.trim();
    let text = text.strip_prefix("!port").map(str::trim_start).unwrap_or(text);
    let text = text.strip_prefix('/').unwrap_or(text);
    let (word, rest) = split_word(text);
    let rest = rest.trim();
    let verb = word.to_ascii_lowercase();
    let with_ref = |usage: &'static str| order_and_rest(rest, usage);
    match verb.as_str() {
        "" | "help" | "?" => Ok(Command::Help),
        "status" | "show" => parse_target(rest).map(Command::Status),
        "list" => {
            if rest.is_empty() {
                return Ok(Command::List(None));
            }
            rest.parse::<OrderState>()
                .map(|s| Command::List(Some(s)))
                .map_err(|p| usage(p, USAGE_LIST))
        }
        "open" => parse_open(rest, default_tz).map(|r| Command::Open(Box::new(r))),
        "set" => {
            let (order, rest) = with_ref(USAGE_SET)?;
            let (field, value) = split_word(rest);
            Ok(Command::Set(order, parse_detail(field, value.trim())?))
        }
        "loa-signed" | "loa_signed" | "signed" => Ok(Command::LoaSigned(only_ref(rest, "loa-signed PORT-1042")?)),
        "submit" => Ok(Command::Submit(only_ref(rest, "submit PORT-1042")?)),
        "complete" | "completed" => Ok(Command::Complete(only_ref(rest, "complete PORT-1042")?)),
        "foc" => {
            let (order, rest) = with_ref(USAGE_FOC)?;
            Ok(Command::Foc(order, parse_date(rest.trim(), USAGE_FOC)?))
        }
        "reject" => parse_reject(rest),
        "route" => {
            let (order, rest) = with_ref(USAGE_ROUTE)?;
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
        "cancel" => {
            let (order, rest) = with_ref("cancel PORT-1042 [reason]")?;
            Ok(Command::Cancel(order, rest.trim().to_string()))
        }
        "bill" => {
            let (order, rest) = with_ref("bill PORT-1042 FILE.pdf|the bill's text")?;
            if rest.trim().is_empty() {
                return Err(usage(
                    "give the bill's file or its text",
                    "bill PORT-1042 FILE.pdf|the bill's text",
                ));
            }
            Ok(Command::Bill(order, rest.trim().to_string()))
        }
        "reopen" => {
            let (order, rest) = with_ref("reopen PORT-1042 why")?;
            Ok(Command::Reopen(order, rest.trim().to_string()))
        }
        "note" => {
            let (order, rest) = with_ref("note PORT-1042 text")?;
            Ok(Command::Note(order, rest.trim().to_string()))
        }
        "inbox" => parse_inbox(rest),
        "remind" => Ok(Command::Remind(only_ref(rest, "remind PORT-1042")?)),
        "digest" => Ok(Command::Digest),
        "customer" | "customers" => super::customer_command::parse(rest).map(Command::Customer),
        _ => Err(CommandError::Unknown(word.to_string())),
    }
}

fn parse_inbox(text: &str) -> Result<Command, CommandError> {
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

pub(super) fn usage(problem: impl Into<String>, usage: &'static str) -> CommandError {
    CommandError::Usage {
        problem: problem.into(),
        usage,
    }
}

pub(super) fn split_word(text: &str) -> (&str, &str) {
    let text = text.trim_start();
    text.split_once(char::is_whitespace).unwrap_or((text, ""))
}

fn order_and_rest<'t>(text: &'t str, usage_line: &'static str) -> Result<(OrderRef, &'t str), CommandError> {
    let (word, rest) = split_word(text);
    if word.is_empty() {
        return Err(usage("name the order", usage_line));
    }
    let order = word.parse::<OrderRef>().map_err(|e| usage(e.to_string(), usage_line))?;
    Ok((order, rest))
}

fn only_ref(text: &str, usage_line: &'static str) -> Result<OrderRef, CommandError> {
    let (order, rest) = order_and_rest(text, usage_line)?;
    if !rest.trim().is_empty() {
        return Err(usage(
            format!("'{}' is more than the command takes", rest.trim()),
            usage_line,
        ));
    }
    Ok(order)
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

fn parse_date(text: &str, usage_line: &'static str) -> Result<NaiveDate, CommandError> {
    if text.is_empty() {
        return Err(usage("give the date", usage_line));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        usage(
            format!("'{text}' is not a date: write it as YYYY-MM-DD, e.g. 2026-12-03"),
            usage_line,
        )
    })
}

fn parse_detail(field: &str, value: &str) -> Result<Detail, CommandError> {
    let field_key = field.to_ascii_lowercase().replace('_', "-");
    if field_key.is_empty() {
        return Err(usage(format!("name the field: {SET_FIELDS}"), USAGE_SET));
    }
    if value.is_empty() {
        return Err(usage(format!("give the new {field_key}"), USAGE_SET));
    }
    let bad = |e: String| usage(e, USAGE_SET);
    Ok(match field_key.as_str() {
        "account" | "account-number" => Detail::AccountNumber(value.to_string()),
        "pin" | "passcode" => Detail::Pin(Pin::new(value).map_err(bad)?),
        "btn" | "billing-number" => Detail::Btn(
            value
                .parse()
                .map_err(|e: crate::domain::phone::PhoneError| bad(e.to_string()))?,
        ),
        "name" | "account-name" => Detail::AccountName(value.to_string()),
        "address" | "service-address" => Detail::ServiceAddress(value.to_string()),
        "authorized" | "authorized-name" => Detail::AuthorizedName(value.to_string()),
        "contract-end" => Detail::ContractEnd(parse_date(value, USAGE_SET)?),
        "contacts" | "contact" => Detail::Contacts(parse_contacts(value).map_err(bad)?),
        "language" | "lang" => Detail::Language(value.parse().map_err(bad)?),
        "type" | "number-type" => match leading_number(value) {
            Ok((number, kind)) => Detail::NumberType {
                number: Some(number),
                kind: kind.trim().parse::<NumberType>().map_err(bad)?,
            },
            Err(_) => Detail::NumberType {
                number: None,
                kind: value.parse::<NumberType>().map_err(bad)?,
            },
        },
        other => return Err(bad(format!("'{other}' is not a field: use one of {SET_FIELDS}"))),
    })
}

fn parse_contacts(value: &str) -> Result<Vec<EmailAddress>, String> {
    value
        .split([',', ';', ' '])
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.parse::<EmailAddress>().map_err(|e| e.to_string()))
        .collect()
}

fn parse_reject(text: &str) -> Result<Command, CommandError> {
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

/// A value after `key=`: up to the closing quote when quoted, else up to white space.
fn take_value(text: &str) -> (String, &str) {
    for quote in ['"', '\'', '“'] {
        if let Some(inner) = text.strip_prefix(quote) {
            let close = if quote == '“' { '”' } else { quote };
            return match inner.find(close) {
                Some(end) => (inner[..end].to_string(), &inner[end + close.len_utf8()..]),
                None => (inner.to_string(), ""),
            };
        }
    }
    let end = text.find(char::is_whitespace).unwrap_or(text.len());
    (text[..end].to_string(), &text[end..])
}

/// `key=value` pairs, values quoted when they hold spaces.
fn key_values(text: &str) -> Result<Vec<(String, String)>, CommandError> {
    key_values_for(text, USAGE_OPEN)
}

/// `key=value key="value with spaces"` pairs; a wrong one gets `usage_line` back.
pub(super) fn key_values_for(text: &str, usage_line: &'static str) -> Result<Vec<(String, String)>, CommandError> {
    let mut pairs = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let Some((key, after)) = rest.split_once('=') else {
            return Err(usage(
                format!("'{}' is not a key=value pair", split_word(rest).0),
                usage_line,
            ));
        };
        if key.contains(char::is_whitespace) {
            return Err(usage(
                format!("'{}' is not a key=value pair", split_word(key).0),
                usage_line,
            ));
        }
        let (value, tail) = take_value(after);
        pairs.push((key.to_ascii_lowercase().replace('_', "-"), value));
        rest = tail.trim_start();
    }
    Ok(pairs)
}

fn parse_open(text: &str, default_tz: Tz) -> Result<PortRequest, CommandError> {
    let bad = |e: String| usage(e, USAGE_OPEN);
    let mut request = PortRequest {
        customer: String::new(),
        carrier: String::new(),
        numbers: Vec::new(),
        number_type: NumberType::Voice,
        kind: None,
        contacts: Vec::new(),
        account: AccountDetails::default(),
        pin: None,
        authorized_name: None,
        contract_end: None,
        time_zone: default_tz,
    };
    for (key, value) in key_values(text)? {
        match key.as_str() {
            "customer" => request.customer = value,
            "carrier" => request.carrier = value,
            "numbers" | "number" => request
                .numbers
                .extend(parse_number_list(&value).map_err(|e| bad(e.to_string()))?),
            "contact" | "contacts" => request.contacts.extend(parse_contacts(&value).map_err(bad)?),
            "type" => request.number_type = value.parse().map_err(bad)?,
            "kind" => request.kind = Some(value.parse::<OrderKind>().map_err(bad)?),
            "account" | "account-number" => request.account.account_number = Some(value),
            "pin" => request.pin = Some(Pin::new(&value).map_err(bad)?),
            "btn" => {
                request.account.btn = Some(
                    value
                        .parse()
                        .map_err(|e: crate::domain::phone::PhoneError| bad(e.to_string()))?,
                )
            }
            "name" | "account-name" => request.account.account_name = Some(value),
            "address" | "service-address" => request.account.service_address = Some(value),
            "authorized" | "authorized-name" => request.authorized_name = Some(value),
            "contract-end" => request.contract_end = Some(parse_date(&value, USAGE_OPEN)?),
            "tz" | "time-zone" => {
                request.time_zone = value
                    .parse()
                    .map_err(|_| bad(format!("'{value}' is not an IANA time zone such as America/New_York")))?
            }
            other => return Err(bad(format!("'{other}' is not an order detail"))),
        }
    }
    Ok(request)
}

#[cfg(test)]
#[path = "command_tests.rs"]
mod tests;
