//! The commands for what happens after submission beyond the carrier's yes or no: a
//! supplement (`supp`) and a completion that leaves numbers behind.

use super::command::{Command, CommandError};
use super::order_details::parse_detail;
use super::words::{order_and_rest, parse_date, split_word, take_value, usage};
use crate::domain::{parse_number_list, Supp};
use chrono_tz::Tz;

pub(super) const USAGE_SUPP: &str =
    "supp PORT-1042 drop NUMBERS | supp PORT-1042 date YYYY-MM-DD | supp PORT-1042 FIELD VALUE (btn, account, pin, name, address)";
const USAGE_COMPLETE: &str = "complete PORT-1042 [remaining=\"305-555-0102\"]";

pub(super) fn supp(rest: &str, _: Tz) -> Result<Command, CommandError> {
    let (order, rest) = order_and_rest(rest, USAGE_SUPP)?;
    let (what, value) = split_word(rest);
    let value = value.trim();
    let change = match what.to_ascii_lowercase().as_str() {
        "" => return Err(usage("say what the supplement changes", USAGE_SUPP)),
        "drop" | "remove" => {
            let numbers = parse_number_list(value).map_err(|e| usage(e.to_string(), USAGE_SUPP))?;
            if numbers.is_empty() {
                return Err(usage("name the numbers to drop", USAGE_SUPP));
            }
            Supp::Drop(numbers)
        }
        "date" | "due" | "due-date" => Supp::DueDate(parse_date(value, USAGE_SUPP)?),
        _ => Supp::Detail(parse_detail(what, value).map_err(|e| match e {
            CommandError::Usage { problem, .. } => usage(problem, USAGE_SUPP),
            other => other,
        })?),
    };
    Ok(Command::Supp(order, change))
}

pub(super) fn complete(rest: &str, _: Tz) -> Result<Command, CommandError> {
    let (order, rest) = order_and_rest(rest, USAGE_COMPLETE)?;
    let rest = rest.trim();
    if rest.is_empty() {
        return Ok(Command::Complete(order, Vec::new()));
    }
    let Some(list) = rest.strip_prefix("remaining=") else {
        return Err(usage(format!("'{rest}' is not understood"), USAGE_COMPLETE));
    };
    let (list, tail) = take_value(list);
    if !tail.trim().is_empty() {
        return Err(usage(format!("'{}' is not understood", tail.trim()), USAGE_COMPLETE));
    }
    let remaining = parse_number_list(&list).map_err(|e| usage(e.to_string(), USAGE_COMPLETE))?;
    Ok(Command::Complete(order, remaining))
}
