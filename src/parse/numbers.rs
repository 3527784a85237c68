//! Telephone numbers in free text: every common format, ranges expanded, and the
//! numbers a message is not about left out (contact and signature numbers, the porting
//! desk's own line, routing numbers such as an LRN, account numbers that look like
//! digits).

use crate::domain::PhoneNumber;
use crate::parse::pattern;
use crate::parse::pattern::Pattern;
use std::sync::LazyLock;

/// A number as written: optional country code, area code in parentheses or not,
/// separated by spaces, dots, hyphens or nothing.
static NUMBER: LazyLock<Pattern> =
    LazyLock::new(|| pattern::compiled(r"(?:\+?1[\s.\-]?)?(?:\(\d{3}\)[\s.\-]?|\d{3}[\s.\-/]?)\d{3}[\s.\-]?\d{4}"));

/// What may follow a number to make it a range: `thru 0119`, `to -0209`, `-0103`.
static RANGE_TAIL: LazyLock<Pattern> =
    LazyLock::new(|| pattern::compiled(r"^\s*(?i:thru|through|to|until|al|hasta|-|–|—)\s*-?\s*(\d{2,4})\b"));
static RANGE_FULL: LazyLock<Pattern> =
    LazyLock::new(|| pattern::compiled(r"^\s*(?i:thru|through|to|until|al|hasta|-|–|—)\s*"));

/// Words just before a number that make it someone's contact or a routing number.
static CONTACT_CUE: LazyLock<Pattern> = LazyLock::new(|| {
    pattern::compiled(
        r"(?i)(\bcall(ing|ed)?\b|\breach(ed)?\b|\bcontact\b|\btext\b|\bcell\b|\bmobile\b|\bdirect\b|\boffice\b|\btel\b|\btel[eé]fono\b|\bph\b|\bphone\s*:|\b[pmctof]\s*:|\b[tfmcpo]\s*$|\bfax\s*[:#]|\|\s*fax\s*$|\|\s*$|\blrn\b|\bll[aá]m\w*|\bcelular\b|\bcel\b|\bm[oó]vil\b|\boficina\b|\bwhatsapp\b|\bsupport\b|\bsoporte\b|\bhelp\s*desk\b|\bcustomer\s+(service|care)\b|\bservicio al cliente\b|\bdial\b|\bmarque\b|\bcallback\b|\bcall\s*back\b|\btoll[- ]free support\b|\bbilling support\b)",
    )
});

/// Words just before digits that make them an account, order or ticket number.
static ID_CUE: LazyLock<Pattern> = LazyLock::new(|| {
    pattern::compiled(
        r"(?i)(account|acct|a/c|\bban\b|cuenta|\bpon\b|order|ticket|confirmation|invoice|reference|ref|case|id|pin|passcode)\s*(no\.?|number|num|#)?\s*[:#]?\s*$",
    )
});

/// Options for reading numbers.
#[derive(Debug, Clone)]
pub struct NumberRules {
    /// Our own numbers (the porting desk's support line), never the subject of a message.
    pub own_numbers: Vec<PhoneNumber>,
}

impl Default for NumberRules {
    fn default() -> Self {
        Self {
            own_numbers: vec!["786-718-1820".parse().expect("the porting line is a number")],
        }
    }
}

/// The numbers a text is about, in the order found, without repeats.
pub fn numbers_in(text: &str, rules: &NumberRules) -> Vec<PhoneNumber> {
    let mut found: Vec<PhoneNumber> = Vec::new();
    for line in text.lines() {
        for n in numbers_in_line(line, rules) {
            if !found.contains(&n) {
                found.push(n);
            }
        }
    }
    found
}

/// Numbers on one line, with their context checked.
pub fn numbers_in_line(line: &str, rules: &NumberRules) -> Vec<PhoneNumber> {
    numbers_in_line_with(line, rules, &CONTACT_CUE)
}

/// The same with another set of words that make a number someone's contact (bills
/// list "Phone: ..." lines that are services, not contacts).
pub fn numbers_in_line_with(line: &str, rules: &NumberRules, contact_cue: &Pattern) -> Vec<PhoneNumber> {
    let mut out = Vec::new();
    let mut previous_end = 0;
    let mut pos = 0;
    while let Some(m) = NUMBER.find_at(line, pos) {
        pos = m.end();
        // A letter or digit right before: `101 (305)...` read `1 (305)` as the country
        // code; look again one character on.
        let before = line[..m.start()].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric()) {
            pos = m.start() + line[m.start()..].chars().next().map_or(1, char::len_utf8);
            continue;
        }
        // Digits glued after, or a group that continues a longer digit string
        // (`8495 32 723 6619606`, `305-397-1259-028276`): an account number.
        let after = &line[m.end()..];
        let glued_after = after.starts_with(|c: char| c.is_ascii_digit())
            || (after.starts_with(['-', '.'])
                && after[1..].starts_with(|c: char| c.is_ascii_digit())
                && !RANGE_TAIL.is_match(after));
        let head = &line[..m.start()];
        let continues = !m.as_str().starts_with(['(', '+'])
            && head.ends_with([' ', '-', '.'])
            && head[..head.len() - 1].ends_with(|c: char| c.is_ascii_digit())
            && previous_end + 1 != m.start();
        if glued_after || continues || matches!(before, Some('$') | Some('#')) {
            previous_end = m.end();
            continue;
        }
        let Ok(first) = m.as_str().parse::<PhoneNumber>() else {
            continue;
        };
        let prefix = &line[previous_end..m.start()];
        let window: String = prefix
            .chars()
            .rev()
            .take(40)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let (numbers, end) = with_range(first, line, m.end());
        previous_end = end;
        pos = end;
        if contact_cue.is_match(&window) || ID_CUE.is_match(&window) || rules.own_numbers.contains(&first) {
            continue;
        }
        out.extend(numbers);
    }
    out
}

/// The number and, when a range follows, every number up to its end.
fn with_range(first: PhoneNumber, line: &str, end: usize) -> (Vec<PhoneNumber>, usize) {
    let tail = &line[end..];
    if let Some(full) = RANGE_FULL.find(tail) {
        let rest = &tail[full.end()..];
        if let Some(m) = NUMBER.find(rest).filter(|m| m.start() == 0) {
            if let Ok(last) = m.as_str().parse::<PhoneNumber>() {
                if let Some(all) = expand(first, last) {
                    return (all, end + full.end() + m.end());
                }
            }
        }
    }
    if let Some(c) = RANGE_TAIL.captures(tail) {
        let digits = &c[1];
        let modulus = 10u64.pow(digits.len() as u32);
        let national = first.national() - first.national() % modulus + digits.parse::<u64>().unwrap_or(0);
        if let Ok(last) = PhoneNumber::from_national(national, digits) {
            if let Some(all) = expand(first, last) {
                return (all, end + c.get(0).map(|g| g.end()).unwrap_or(0));
            }
        }
    }
    (vec![first], end)
}

fn expand(first: PhoneNumber, last: PhoneNumber) -> Option<Vec<PhoneNumber>> {
    let (a, b) = (first.national(), last.national());
    if b <= a || b - a >= crate::domain::phone::MAX_RANGE_LEN || a / 10_000 != b / 10_000 {
        return None;
    }
    (a..=b).map(|n| PhoneNumber::from_national(n, "range").ok()).collect()
}

/// This module's patterns compiled now (`parse::compile_patterns`).
pub(in crate::parse) fn compile_patterns() {
    for pattern in [&NUMBER, &RANGE_TAIL, &RANGE_FULL, &CONTACT_CUE, &ID_CUE] {
        pattern.prepare();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<String> {
        numbers_in(text, &NumberRules::default())
            .iter()
            .map(|n| n.e164())
            .collect()
    }

    #[test]
    fn numbers_are_read_in_every_common_format() {
        let text = "Port (305) 555-0100, 305.555.0101 and +1 305 555 0102.\nTN: 3055550103\nAlso 1-305-555-0104 / 305 555 0105";
        assert_eq!(read(text).len(), 6);
    }

    #[test]
    fn ranges_are_expanded() {
        assert_eq!(read("DID block (415) 843-9900 to -9909").len(), 10);
        assert_eq!(read("305-555-0100 thru 0119 please").len(), 20);
        assert_eq!(read("numbers 305-555-0100 - 305-555-0102").len(), 3);
    }

    #[test]
    fn contact_and_id_numbers_are_left_out() {
        for text in [
            "Call me at 305-555-0142 if anything.",
            "My cell: (305) 555-0142",
            "T (312) 570-3402  F (312) 656-5649",
            "LRN: 3055550000",
            "I called 786-718-1820 and Yesenia helped.",
            "Account number 3055550142",
            "Billing support: 1 (800) 855-0469",
            "Llámame al 305-555-0142",
            "Amount $305.555.0142",
        ] {
            assert_eq!(read(text), Vec::<String>::new(), "{text}");
        }
        assert_eq!(read("we also want our fax line, 305-450-7982"), ["+13054507982"]);
        assert_eq!(read("Account 8774 1012 3456 789 for 305-555-0100"), ["+13055550100"]);
    }
}
