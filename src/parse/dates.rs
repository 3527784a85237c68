//! Dates as people and carriers write them (`10/21/2026`, `2026-10-21`, `December 15th`,
//! `Tue, Dec 15, 2026`, `15 de diciembre`, an LSR's `DD: 121526`), with where they stand
//! in the text. A date without a year takes the first such day on or after a reference.

use crate::parse::pattern;
use crate::parse::pattern::Pattern;
use chrono::{Datelike, NaiveDate};
use std::sync::LazyLock;

/// A date found in text: its position and the day, or the month and day when no year
/// was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoundDate {
    pub start: usize,
    pub end: usize,
    pub year: Option<i32>,
    pub month: u32,
    pub day: u32,
}

impl FoundDate {
    /// The day, the year taken from `reference` when the text gave none.
    pub fn resolve(&self, reference: NaiveDate) -> Option<NaiveDate> {
        match self.year {
            Some(y) => NaiveDate::from_ymd_opt(y, self.month, self.day),
            None => (0..=1)
                .filter_map(|k| NaiveDate::from_ymd_opt(reference.year() + k, self.month, self.day))
                .find(|d| *d >= reference),
        }
    }
}

const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sept", 9),
    ("sep", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
    ("enero", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abril", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("agosto", 8),
    ("septiembre", 9),
    ("setiembre", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("diciembre", 12),
    ("janvier", 1),
    ("février", 2),
    ("fevrier", 2),
    ("avril", 4),
    ("mai", 5),
    ("juin", 6),
    ("juillet", 7),
    ("août", 8),
    ("aout", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("décembre", 12),
    ("decembre", 12),
];

static ISO: LazyLock<Pattern> = LazyLock::new(|| pattern::compiled(r"\b(20\d\d)[-/.](\d{1,2})[-/.](\d{1,2})\b"));
static NUMERIC: LazyLock<Pattern> =
    LazyLock::new(|| pattern::compiled(r"\b(\d{1,2})[/.\-](\d{1,2})(?:[/.\-](\d{4}|\d{2}))?\b"));
/// `Dec 4`, `December 4th, 2026`, `Oct-21-2026`, `Dec-04-26`. A two-digit year only
/// after a hyphen or slash: `Dec 15 26` could be a count.
static MONTH_FIRST: LazyLock<Pattern> = LazyLock::new(|| {
    pattern::compiled(
        r"(?i)\b(\p{L}{3,10})\.?(?:\s+|-)(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(20\d\d)\b|[-/](20\d\d|\d\d)\b)?",
    )
});
/// `4 December 2026`, `4th of December`, `15 de diciembre de 2026`, `17-Sep-26`,
/// `04DEC26`.
static DAY_FIRST: LazyLock<Pattern> = LazyLock::new(|| {
    pattern::compiled(
        r"(?i)\b(\d{1,2})(?:st|nd|rd|th)?(?:\s+(?:of\s+)?|-|(?:\s+de\s+))?(\p{L}{3,10})\.?(?:(?:,?\s+|\s+de\s+|\s+del\s+)(20\d\d)\b|-?(20\d\d|\d\d)\b)?",
    )
});
/// `20261204`: a year, month and day run together.
static COMPACT: LazyLock<Pattern> =
    LazyLock::new(|| pattern::compiled(r"\b(20\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\b"));
/// LSR due dates: `DD: 121526` or `DDD: 12152026` (month, day, year).
static LSR_DUE: LazyLock<Pattern> =
    LazyLock::new(|| pattern::compiled(r"(?i)\b(?:DDD|DD|FOC|DUE DATE)\s*[:=]\s*(\d{2})(\d{2})(\d{2}|\d{4})\b"));

fn month_named(word: &str) -> Option<u32> {
    let w = word.to_lowercase();
    MONTHS.iter().find(|(name, _)| *name == w).map(|(_, m)| *m)
}

fn year_of(text: &str) -> Option<i32> {
    let y: i32 = text.parse().ok()?;
    Some(if y < 100 { 2000 + y } else { y })
}

/// Every date in `text`, in order of position; overlapping readings keep the first.
pub fn dates_in(text: &str) -> Vec<FoundDate> {
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    let mut found: Vec<FoundDate> = Vec::new();
    let mut push = |span: (usize, usize), year, month: &str, day: &str| {
        let (month, day) = (month.parse().unwrap_or(0), day.parse().unwrap_or(0));
        if (1..=12).contains(&month) && (1..=31).contains(&day) {
            let (start, end) = span;
            found.push(FoundDate {
                start,
                end,
                year,
                month,
                day,
            });
        }
    };
    for c in LSR_DUE.captures_iter(text) {
        let span = (c.get(1).expect("group").start(), c.get(0).expect("all").end());
        push(span, year_of(&c[3]), &c[1], &c[2]);
    }
    // Year first: `2026-12-04`, `2026/12/04`, `20261204`.
    for c in ISO.captures_iter(text).chain(COMPACT.captures_iter(text)) {
        let m = c.get(0).expect("all");
        push((m.start(), m.end()), year_of(&c[1]), &c[2], &c[3]);
    }
    for c in NUMERIC.captures_iter(text) {
        let m = c.get(0).expect("all");
        // A bare `12-15` is too likely a range or a score; only slashes stand alone.
        if c.get(3).is_none() && !m.as_str().contains('/') {
            continue;
        }
        let year = c.get(3).and_then(|y| year_of(y.as_str()));
        push((m.start(), m.end()), year, &c[1], &c[2]);
    }
    // Month names: the month and day groups differ in order between the two styles.
    for (pattern, month_at, day_at) in [(&*MONTH_FIRST, 1, 2), (&*DAY_FIRST, 2, 1)] {
        for c in pattern.captures_iter(text) {
            if let Some(month) = month_named(&c[month_at]) {
                let m = c.get(0).expect("all");
                let year = c.get(3).or(c.get(4)).and_then(|y| year_of(y.as_str()));
                push((m.start(), m.end()), year, &month.to_string(), &c[day_at]);
            }
        }
    }
    first_of_overlapping(found)
}

/// In order of position; of readings that overlap, the one that starts first (the
/// longest of those).
fn first_of_overlapping(mut found: Vec<FoundDate>) -> Vec<FoundDate> {
    found.sort_by_key(|d| (d.start, std::cmp::Reverse(d.end)));
    let mut kept: Vec<FoundDate> = Vec::new();
    for d in found {
        if kept.last().is_none_or(|k| d.start >= k.end) {
            kept.push(d);
        }
    }
    kept
}

/// This module's patterns compiled now (`parse::compile_patterns`).
pub(in crate::parse) fn compile_patterns() {
    for pattern in [&ISO, &NUMERIC, &MONTH_FIRST, &DAY_FIRST, &COMPACT, &LSR_DUE] {
        pattern.prepare();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(text: &str) -> Vec<String> {
        let reference = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        dates_in(text)
            .iter()
            .filter_map(|d| d.resolve(reference))
            .map(|d| d.to_string())
            .collect()
    }

    #[test]
    fn dates_are_read_in_every_common_style() {
        assert_eq!(days("FOC date: 10/21/2026"), ["2026-10-21"]);
        assert_eq!(days("due 2026-12-03."), ["2026-12-03"]);
        assert_eq!(days("confirmed December 15th as the port date"), ["2026-12-15"]);
        assert_eq!(days("on Tue, Dec 15, 2026 at 9"), ["2026-12-15"]);
        assert_eq!(days("el 15 de diciembre de 2026"), ["2026-12-15"]);
        assert_eq!(days("port on 14 January"), ["2027-01-14"]);
        assert_eq!(days("DD: 011427"), ["2027-01-14"]);
        assert_eq!(days("on 1/5 please"), ["2027-01-05"]);
        assert_eq!(days("12/15/26"), ["2026-12-15"]);
        assert_eq!(days("FOC 15-Dec-2026"), ["2026-12-15"]);
        assert_eq!(days("due 2026/12/15"), ["2026-12-15"]);
        assert_eq!(days("on Dec. 15th, 2026"), ["2026-12-15"]);
        assert_eq!(days("martes 15 de diciembre"), ["2026-12-15"]);
        assert_eq!(days("Oct-21-2026"), ["2026-10-21"]);
        assert_eq!(days("17-Sep-26"), ["2026-09-17"]);
        assert_eq!(days("04DEC26"), ["2026-12-04"]);
        assert_eq!(days("20261204"), ["2026-12-04"]);
        assert_eq!(days("Friday 4 December 2026"), ["2026-12-04"]);
        assert_eq!(days("the 4th of December"), ["2026-12-04"]);
        assert_eq!(days("Dec-04"), ["2026-12-04"]);
        assert_eq!(days("le 4 décembre 2026"), ["2026-12-04"]);
        assert_eq!(days("Saturday, September 12th, 2026"), ["2026-09-12"]);
    }

    #[test]
    fn numbers_that_are_not_dates_are_not_read_as_dates() {
        assert_eq!(days("305-555-0123 and 8774 1012"), Vec::<String>::new());
        assert_eq!(days("may I ask 3 things"), Vec::<String>::new());
    }
}
