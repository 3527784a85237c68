//! Caseless patterns said in lower case, and the texts they read lowered to match.
//!
//! Compiling `(?i)` folds every letter of a pattern into the class of its cases: a
//! third of compiling the parser's patterns. A caseless pattern says the same in lower
//! case, without the flag, to a text whose ASCII letters are lowered: a letter outside
//! ASCII (`ó`, `é`) keeps its cases in a class of its own (`[óÓ]`), as the text keeps
//! them. `to_ascii_lowercase` keeps every byte in place, so where a match is in the
//! lowered text is where it is in the text as given.
//!
//! Unicode folds two characters outside ASCII to ASCII letters (`ſ` to `s`, the Kelvin
//! sign `K` to `k`): a text holding either is read by the pattern as written
//! (`folds_beyond_ascii`).

use super::ascii_classes::class_opening;
use regex_syntax::hir::{ClassUnicode, ClassUnicodeRange};
use std::cell::RefCell;
use std::iter::Peekable;
use std::rc::Rc;
use std::str::Chars;

/// `source` said in lower case, for text lowered by `lowered_text`: `None` unless it
/// starts with `(?i)` and lower case can say all of it. What it cannot say: a Unicode
/// class (`\p`), a POSIX class or a class within a class, a group that turns case back
/// on (`(?-i)`), and a range from ASCII to beyond it or of letters of both cases.
pub fn lowered_source(source: &str) -> Option<String> {
    let rest = source.strip_prefix("(?i)")?;
    let mut out = String::with_capacity(rest.len() + 16);
    let mut chars = rest.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '(' if !in_class && chars.peek() == Some(&'?') => {
                chars.next();
                out.push_str("(?");
                group_head(&mut chars, &mut out)?;
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                class_opening(&mut chars, &mut out);
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            // Classes within classes and their set operations.
            '[' | '&' | '~' | '-' if in_class && chars.peek() == Some(&c) => return None,
            '[' if in_class => return None,
            _ => match piece(c, &mut chars)? {
                Piece::Escape(escaped) => {
                    if in_class && starts_range(&chars) {
                        return None;
                    }
                    out.push('\\');
                    out.push(escaped);
                }
                Piece::Char { c, .. } if in_class && starts_range(&chars) => {
                    chars.next();
                    let Piece::Char { c: to, .. } = piece(chars.next()?, &mut chars)? else {
                        return None;
                    };
                    push_range(c, to, &mut out)?;
                }
                Piece::Char { c, coded } => push_char(c, coded, in_class, &mut out),
            },
        }
    }
    (!in_class).then_some(out)
}

/// One character of a pattern's source, or an escape.
enum Piece {
    /// A character, written as itself or by its code (`\x41`, `\u{C0}`).
    Char { c: char, coded: bool },
    /// Any other escape (`\d`, `\b`, `\.`), kept as written.
    Escape(char),
}

/// The piece that begins with `first`; `None` for a Unicode class.
fn piece(first: char, chars: &mut Peekable<Chars>) -> Option<Piece> {
    if first != '\\' {
        return Some(Piece::Char { c: first, coded: false });
    }
    match chars.next()? {
        kind @ ('x' | 'u' | 'U') => {
            let code: String = match chars.peek() == Some(&'{') {
                true => {
                    chars.next();
                    chars.by_ref().take_while(|&c| c != '}').collect()
                }
                false => chars
                    .by_ref()
                    .take(if kind == 'x' {
                        2
                    } else if kind == 'u' {
                        4
                    } else {
                        8
                    })
                    .collect(),
            };
            let c = char::from_u32(u32::from_str_radix(&code, 16).ok()?)?;
            Some(Piece::Char { c, coded: true })
        }
        'p' | 'P' => None,
        escaped => Some(Piece::Escape(escaped)),
    }
}

/// Whether a `-` that makes a range comes next, in a class.
fn starts_range(chars: &Peekable<Chars>) -> bool {
    let mut ahead = chars.clone();
    ahead.next() == Some('-') && !matches!(ahead.next(), Some(']') | None)
}

/// `c` as lowered text holds it: an ASCII letter in lower case, a letter beyond ASCII in
/// each of its cases.
fn push_char(c: char, coded: bool, in_class: bool, out: &mut String) {
    if c.is_ascii() {
        match coded {
            true => push_ascii(c.to_ascii_lowercase(), out),
            false => out.push(c.to_ascii_lowercase()),
        }
        return;
    }
    let cases = cases_of(c, c);
    let one = matches!(cases.ranges(), [range] if range.start() == range.end());
    if !in_class && !one {
        out.push('[');
    }
    push_ranges(&cases, out);
    if !in_class && !one {
        out.push(']');
    }
}

/// The range `from-to` as lowered text holds it: of ASCII letters of one case, or of
/// no letters, or beyond ASCII with every case of its letters.
fn push_range(from: char, to: char, out: &mut String) -> Option<()> {
    let one_case = |test: fn(&char) -> bool| test(&from) && test(&to);
    let letters = one_case(char::is_ascii_lowercase) || one_case(char::is_ascii_uppercase);
    if letters || (from.is_ascii() && to.is_ascii() && (from..=to).all(|c| !c.is_ascii_alphabetic())) {
        push_ascii(from.to_ascii_lowercase(), out);
        out.push('-');
        push_ascii(to.to_ascii_lowercase(), out);
    } else if !from.is_ascii() && !to.is_ascii() {
        push_ranges(&cases_of(from, to), out);
    } else {
        return None;
    }
    Some(())
}

/// An ASCII character: a letter or digit as itself, anything else by its code.
fn push_ascii(c: char, out: &mut String) {
    match c.is_ascii_alphanumeric() {
        true => out.push(c),
        false => out.push_str(&format!(r"\x{{{:X}}}", c as u32)),
    }
}

/// Every character of `from-to` and its cases, as Unicode folds them.
fn cases_of(from: char, to: char) -> ClassUnicode {
    let mut class = ClassUnicode::new([ClassUnicodeRange::new(from, to)]);
    class.case_fold_simple();
    class
}

/// `class`'s ranges, each end by its code, for inside brackets.
fn push_ranges(class: &ClassUnicode, out: &mut String) {
    for range in class.ranges() {
        out.push_str(&format!(r"\u{{{:X}}}", range.start() as u32));
        if range.end() != range.start() {
            out.push_str(&format!(r"-\u{{{:X}}}", range.end() as u32));
        }
    }
}

/// What follows `(?`: a group's name is kept as written, and flags too, unless they turn
/// case back on.
fn group_head(chars: &mut std::iter::Peekable<std::str::Chars>, out: &mut String) -> Option<()> {
    if chars.peek() == Some(&'P') || chars.peek() == Some(&'<') {
        for c in chars.by_ref() {
            out.push(c);
            if c == '>' {
                return Some(());
            }
        }
        return None;
    }
    let mut turning_off = false;
    for c in chars.by_ref() {
        out.push(c);
        match c {
            ':' | ')' => return Some(()),
            '-' => turning_off = true,
            'i' if turning_off => return None,
            _ => {}
        }
    }
    None
}

/// A text with its ASCII letters lowered, for the patterns said in lower case.
#[derive(Debug, Clone)]
pub struct LoweredText {
    pub text: Rc<str>,
    /// The text holds `ſ` or the Kelvin sign, which Unicode folds to ASCII letters:
    /// the patterns as written read it.
    pub folds_beyond_ascii: bool,
}

/// How many lowered texts each thread keeps: the patterns of a message ask about its
/// subject, its body and a few pieces of them in turn.
const KEPT: usize = 8;

/// `text` with its ASCII letters lowered; the last few are kept, each thread its own.
pub fn lowered_text(text: &str) -> LoweredText {
    thread_local! {
        static KEPT_TEXTS: RefCell<Vec<LoweredText>> = const { RefCell::new(Vec::new()) };
    }
    KEPT_TEXTS.with(|kept| {
        let mut kept = kept.borrow_mut();
        // A kept text is all lower case: it equals `text` lowered when it equals `text`
        // ignoring ASCII case.
        let same = |lowered: &LoweredText| lowered.text.len() == text.len() && lowered.text.eq_ignore_ascii_case(text);
        if let Some(at) = kept.iter().position(same) {
            let found = kept.remove(at);
            kept.push(found.clone());
            return found;
        }
        let lowered = LoweredText {
            text: Rc::from(text.to_ascii_lowercase()),
            folds_beyond_ascii: text.contains(['\u{17F}', '\u{212A}']),
        };
        if kept.len() == KEPT {
            kept.remove(0);
        }
        kept.push(lowered.clone());
        lowered
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caseless_pattern_is_said_in_lower_case() {
        assert_eq!(
            lowered_source(r"(?i)(?-u:\b)Port(ED|ing)?\s+\d{2}[A-Z_]").as_deref(),
            Some(r"(?-u:\b)port(ed|ing)?\s+\d{2}[a-z_]")
        );
    }

    #[test]
    fn names_flags_and_escapes_are_kept_as_written() {
        assert_eq!(
            lowered_source(r"(?i)(?P<Carrier>AT&T)(?<Pin>\d+)(?m:^X$)\S\B\A").as_deref(),
            Some(r"(?P<Carrier>at&t)(?<Pin>\d+)(?m:^x$)\S\B\A")
        );
    }

    #[test]
    fn a_letter_beyond_ascii_keeps_its_cases() {
        assert_eq!(
            lowered_source("(?i)rejet[ée] N°").as_deref(),
            Some(r"rejet[\u{C9}\u{E9}e] n\u{B0}")
        );
        assert_eq!(lowered_source("(?i)número").as_deref(), Some(r"n[\u{DA}\u{FA}]mero"));
    }

    #[test]
    fn characters_written_by_their_code_are_read_too() {
        assert_eq!(
            lowered_source(r"(?i)[\x41-\x5A]\x2E\u{41}").as_deref(),
            Some(r"[a-z]\x{2E}a")
        );
        assert_eq!(
            lowered_source(r"(?i)[0-9.-]+[^A-Fa-f-]").as_deref(),
            Some(r"[0-9.-]+[^a-fa-f-]")
        );
    }

    #[test]
    fn what_lower_case_cannot_say_is_compiled_as_written() {
        for source in [
            r"port",
            r"(?i)\p{Lu}",
            r"(?i)[[:alpha:]]",
            r"(?i)[a-z--aeiou]",
            r"(?i)a(?-i:B)",
            r"(?i)[A-z]",
            r"(?i)[a-é]",
        ] {
            assert_eq!(lowered_source(source), None, "{source}");
        }
    }

    /// Every character but the two Unicode folds to ASCII letters (which send a text
    /// to the pattern as written) is matched lowered as it is as written.
    #[test]
    fn each_character_lowered_matches_as_it_does_as_written() {
        for source in [
            r"(?i)^[A-Za-z\u{C0}-\u{24F}]$",
            r"(?i)^[^0-9A-Za-z_]$",
            "(?i)^(é|Ø|σ|ß|k|\u{212A}|[ǅ-ǈ]|[x-z])$",
            r"(?i)^[\x{C0}-\x{D6}A-C]$",
        ] {
            let as_written = regex::Regex::new(source).expect("a pattern");
            let lowered = lowered_source(source).expect("said in lower case");
            let lowered = regex::Regex::new(&lowered).unwrap_or_else(|e| panic!("{lowered}: {e}"));
            let beyond_ascii = ['\u{17F}', '\u{212A}'];
            for c in (0..0x3000)
                .filter_map(char::from_u32)
                .filter(|c| !beyond_ascii.contains(c))
            {
                let text = c.to_string();
                assert_eq!(
                    lowered.is_match(&text.to_ascii_lowercase()),
                    as_written.is_match(&text),
                    "{source} on {c:?}"
                );
            }
        }
    }

    #[test]
    fn unicode_folds_only_two_characters_to_ascii_letters() {
        let ascii_letter = regex::Regex::new(r"(?i)^[a-z]$").expect("a pattern");
        let beyond: Vec<char> = (0..=char::MAX as u32)
            .filter_map(char::from_u32)
            .filter(|c| !c.is_ascii() && ascii_letter.is_match(&c.to_string()))
            .collect();
        assert_eq!(beyond, ['\u{17F}', '\u{212A}']);
    }

    #[test]
    fn a_text_is_lowered_in_place_and_kept() {
        let lowered = lowered_text("PORT NÚMERO 555");
        assert_eq!(&*lowered.text, "port nÚmero 555");
        assert!(!lowered.folds_beyond_ascii);
        let again = lowered_text("Port nÚmerO 555");
        assert!(Rc::ptr_eq(&again.text, &lowered.text), "the kept text is read again");
        let other_case = lowered_text("port número 555");
        assert_eq!(&*other_case.text, "port número 555");
        assert!(lowered_text("ſeven").folds_beyond_ascii);
    }
}
