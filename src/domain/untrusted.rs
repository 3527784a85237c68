//! Text that came from outside (a carrier's rejection reason, a customer's words, a
//! subject line) made safe for where it goes next: no links or addresses in mail we
//! send on a carrier's behalf, no control characters on a terminal or in chat, and no
//! PIN or account number in excerpts that anyone in the channel may read.

use regex::Regex;
use std::sync::LazyLock;

static LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:(?:https?|ftp|hxxps?)://|www\.)[^\s<>]+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,}/[^\s<>]*",
    )
    .expect("the link pattern compiles")
});

static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+\b").expect("the address pattern compiles")
});

/// A label customers write before a PIN or an account number, then its value.
static SECRET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(pin|passcode|pass code|security code|transfer code|account(?:\s+(?:number|no\.?|num|#))?|acct(?:\s*(?:number|no\.?|#))?)(\s*(?:is|:|#|=|-)?\s*)([a-z0-9][a-z0-9-]{2,})",
    )
    .expect("the secret pattern compiles")
});

/// `text` without links or e-mail addresses: what a carrier wrote, fit to be passed
/// on to a customer (a forged rejection must not make us mail the forger's link).
pub fn without_links(text: &str) -> String {
    let text = LINK.replace_all(text, "[link removed]");
    ADDRESS.replace_all(&text, "[address removed]").into_owned()
}

/// `text` without control characters (escape sequences included) or the invisible
/// characters that reorder text, for a terminal or a chat; new lines and tabs stay.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // An ANSI escape sequence: ESC [ parameters final-byte.
            '\u{1b}' => {
                if chars.peek() == Some(&'[') {
                    chars.next();
                    for p in chars.by_ref() {
                        if ('@'..='~').contains(&p) {
                            break;
                        }
                    }
                }
            }
            '\n' | '\t' => out.push(c),
            '\r' => {}
            c if c.is_control() => {}
            '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// `text` with PINs masked whole and account numbers down to their last four
/// characters, wherever a label names them.
pub fn mask_secrets(text: &str) -> String {
    SECRET
        .replace_all(text, |caps: &regex::Captures<'_>| {
            let (label, gap, value) = (&caps[1], &caps[2], &caps[3]);
            if !value.chars().any(|c| c.is_ascii_digit()) {
                return caps[0].to_string();
            }
            let is_account = label.to_ascii_lowercase().starts_with("acc");
            let shown = if is_account && value.len() > 4 {
                format!("****{}", &value[value.len() - 4..])
            } else {
                "****".to_string()
            };
            format!("{label}{gap}{shown}")
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_carriers_words_lose_their_links_and_addresses() {
        let forged = "PIN invalid. Confirm your PIN at https://att-verify.example/pin?id=7 or mail pins@att-verify.example, see www.evil.test too";
        let clean = without_links(forged);
        assert_eq!(
            clean,
            "PIN invalid. Confirm your PIN at [link removed] or mail [address removed], see [link removed] too"
        );
        assert_eq!(
            without_links("ADDRESS MISMATCH: 100 MAIN ST. SUITE 4"),
            "ADDRESS MISMATCH: 100 MAIN ST. SUITE 4"
        );
        assert_eq!(without_links("go to evil.test/pin now"), "go to [link removed] now");
    }

    #[test]
    fn terminals_get_no_escape_sequences_or_reordering_characters() {
        assert_eq!(
            printable("Re: \u{1b}[2J\u{1b}[31mFOC\u{7} today\r\n"),
            "Re: FOC today\n"
        );
        assert_eq!(printable("invoice\u{202e}fdp.exe"), "invoicefdp.exe");
        assert_eq!(printable("a\tb\nc"), "a\tb\nc");
    }

    #[test]
    fn pins_and_account_numbers_are_masked_where_labelled() {
        assert_eq!(
            mask_secrets("my PIN is 4821 and account number: 8772-1190-55"),
            "my PIN is **** and account number: ****0-55"
        );
        assert_eq!(
            mask_secrets("Acct# 123456789, passcode 9911"),
            "Acct# ****6789, passcode ****"
        );
        assert_eq!(mask_secrets("the account is active"), "the account is active");
        assert_eq!(mask_secrets("pin 12"), "pin 12", "too short to be a PIN");
    }
}
