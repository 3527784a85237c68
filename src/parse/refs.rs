//! Our order reference in text: the word PORT, then a hyphen, space, `#` or nothing,
//! then 3 to 8 digits, as a whole word (`PORT-1042`, `port 1042`, `PORT#1042`,
//! `PORT1042`; not "port 3 lines", nor "port 305-555-0100").

use crate::parse::pattern;
use crate::parse::pattern::Pattern;
use std::sync::LazyLock;

static REF: LazyLock<Pattern> = LazyLock::new(|| pattern::compiled(r"(?i)\bport[-\s#]?(\d{3,8})\b"));
/// `port 2000 numbers`: a quantity to port, not a reference.
static QUANTITY_AFTER: LazyLock<Pattern> = LazyLock::new(|| {
    pattern::compiled(
        r"(?i)^\s+(more\s+)?(numbers?|lines?|dids?|tns?|phones?|extensions?|n[uú]meros?|l[ií]neas?|tel[eé]fonos?)\b",
    )
});
static PHONE_AFTER: LazyLock<Pattern> = LazyLock::new(|| pattern::compiled(r"^[\s.\-)]{0,2}\d{3}[\s.\-]?\d{4}\b"));

/// The first reference in `text`, canonical.
pub fn order_ref(text: &str) -> Option<String> {
    for c in REF.captures_iter(text) {
        let digits = c.get(1).expect("digits");
        // `port 305-555-0100` is a number to port, not a reference.
        if digits.as_str().len() == 3 && PHONE_AFTER.is_match(&text[digits.end()..]) {
            continue;
        }
        let spaced = text[..digits.start()].ends_with(|c: char| c.is_whitespace());
        if spaced && QUANTITY_AFTER.is_match(&text[digits.end()..]) {
            continue;
        }
        return Some(format!("PORT-{}", digits.as_str()));
    }
    None
}

/// This module's patterns compiled now (`parse::compile_patterns`).
pub(in crate::parse) fn compile_patterns() {
    for pattern in [&REF, &QUANTITY_AFTER, &PHONE_AFTER] {
        pattern.prepare();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_found_however_they_are_written() {
        for (text, expected) in [
            ("Re: [PORT-1042] bill", Some("PORT-1042")),
            ("LSR REJ PON=PORT2269", Some("PORT-2269")),
            ("order port 1042 please", Some("PORT-1042")),
            ("ref PORT#0105", Some("PORT-0105")),
            ("we want to port 3 lines", None),
            ("Port 1 of 2", None),
            ("please port 305-555-0100", None),
            ("Support 12345", None),
            ("we need to port 2000 numbers", None),
            ("queremos portar 150 líneas", None),
            ("PORT-2000 numbers attached", Some("PORT-2000")),
            ("port 1042: numbers attached", Some("PORT-1042")),
        ] {
            assert_eq!(order_ref(text).as_deref(), expected, "{text}");
        }
    }
}
