//! How staff write the parts of a command: words, an order reference, a date,
//! `key=value` pairs with quoted values. A part that cannot be read gets the command's
//! usage line back.

use super::command::CommandError;
use crate::domain::{EmailAddress, OrderRef};
use chrono::NaiveDate;

pub(super) fn usage(problem: impl Into<String>, usage: &'static str) -> CommandError {
    CommandError::Usage {
        problem: problem.into(),
        usage,
    }
}

/// The first word and the rest.
pub(super) fn split_word(text: &str) -> (&str, &str) {
    let text = text.trim_start();
    text.split_once(char::is_whitespace).unwrap_or((text, ""))
}

/// The order a command names first, and what follows it.
pub(super) fn order_and_rest<'t>(text: &'t str, usage_line: &'static str) -> Result<(OrderRef, &'t str), CommandError> {
    let (word, rest) = split_word(text);
    if word.is_empty() {
        return Err(usage("name the order", usage_line));
    }
    let order = word.parse::<OrderRef>().map_err(|e| usage(e.to_string(), usage_line))?;
    Ok((order, rest))
}

/// An order and nothing else.
pub(super) fn only_ref(text: &str, usage_line: &'static str) -> Result<OrderRef, CommandError> {
    let (order, rest) = order_and_rest(text, usage_line)?;
    nothing_more(rest, usage_line)?;
    Ok(order)
}

/// What is left of a command that has taken all it needs: nothing, or the usage line.
pub(super) fn nothing_more(rest: &str, usage_line: &'static str) -> Result<(), CommandError> {
    match rest.trim() {
        "" => Ok(()),
        extra => Err(usage(format!("'{extra}' is more than the command takes"), usage_line)),
    }
}

pub(super) fn parse_date(text: &str, usage_line: &'static str) -> Result<NaiveDate, CommandError> {
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

/// E-mail addresses separated by commas, semicolons or spaces.
pub(super) fn parse_contacts(value: &str) -> Result<Vec<EmailAddress>, String> {
    value
        .split([',', ';', ' '])
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.parse::<EmailAddress>().map_err(|e| e.to_string()))
        .collect()
}

/// A value after `key=`: up to the closing quote when quoted, else up to white space.
pub(super) fn take_value(text: &str) -> (String, &str) {
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
