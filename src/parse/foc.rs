//! Which date a carrier's notice confirms as the port date (not a requested or old
//! date printed beside it; for a change, the new one).

use super::dates::{dates_in, FoundDate};
use crate::parse::pattern;
use crate::parse::pattern::Pattern;
use chrono::NaiveDate;
use std::sync::LazyLock;

static CONFIRMED_BEFORE: LazyLock<Pattern> = LazyLock::new(|| {
    pattern::compiled(
        r"(?i)(\bfoc\b|firm order|port(ing)? date|due date|\bdd\b|port(ed|ing)? (on|for)|will port|scheduled( for| on)?|confirmed( for| on)?|activation|cut ?over|new (foc |port |due )?date|moved to|changed to|rescheduled( to| for)?|updated to|now\b|fecha|programad[ao]( para)?|\bto\b\s*:?\s*$|\bon\b\s*$)",
    )
});
static ARROW_BEFORE: LazyLock<Pattern> = LazyLock::new(|| pattern::compiled(r"(->|→|=>|>>|⇒)\s*$"));
static ARROW_AFTER: LazyLock<Pattern> = LazyLock::new(|| pattern::compiled(r"^\s*(->|→|=>|>>|⇒)"));
static TIME_AFTER: LazyLock<Pattern> = LazyLock::new(|| {
    pattern::compiled(r"^[T\s]\d{1,2}:\d\d(:\d\d)?\s*([ap]\.?m\.?)?\s*(z|utc|gmt|[ecmp][sd]t|et|ct|mt|pt)?\b")
});
static CONFIRMED_AFTER: LazyLock<Pattern> = LazyLock::new(|| {
    pattern::compiled(
        r"(?i)^\W{0,3}(as (the )?(new )?(port|foc|due) date|(is|will be) (the )?(new )?(port|foc) date)|^[^.]{0,60}[.!]?\s*(that|this|it|the (new )?date) is (now )?(confirmed|locked|set|booked)",
    )
});
static NOT_CONFIRMED: LazyLock<Pattern> = LazyLock::new(|| {
    pattern::compiled(
        r"(?i)(\bddd\b|request(ed)?|asked for|original(ly)?|previous(ly)?|\bold\b|\bwas\b|desired|d/?t ?sent|date sent|\bsent\b|received|submitted|bill(ing)?|invoice|\bfrom\b|solicitad|anterior|tsent|prior)",
    )
});

/// The heading of the column a date at byte `at` of `row` sits in, when `row` is a
/// record of a table (cells split by commas, tabs or bars) under a heading row: the
/// nearest row above with as many cells and no date of its own.
fn column_heading<'a>(above: &'a str, row: &str, at: usize) -> Option<&'a str> {
    let sep = [',', '\t', '|'].into_iter().find(|s| row.contains(*s))?;
    // Two cells are a label and its value (`FOC date:<tab>01.05.2027`), not a record.
    let width = row.split(sep).count();
    if width < 3 {
        return None;
    }
    let heading = above
        .lines()
        .rev()
        .take(50)
        .take_while(|l| l.split(sep).count() == width)
        .find(|l| dates_in(l).is_empty())?;
    let column = row[..at].matches(sep).count();
    heading.split(sep).nth(column).map(str::trim)
}

/// The port date a notice confirms.
pub fn foc_date(text: &str, reference: Option<NaiveDate>) -> Option<NaiveDate> {
    let reference = reference.unwrap_or(NaiveDate::MIN);
    let mut best: Option<(i32, usize, NaiveDate)> = None;
    let found_dates = dates_in(text);
    for (i, found) in found_dates.iter().enumerate() {
        let Some(day) = found.resolve(reference) else { continue };
        // The words that speak of a date stop at the date before it.
        let since = if i > 0 { found_dates[i - 1].end } else { 0 };
        let score = score(text, found, since);
        if best.is_none_or(|(s, _, _)| score >= s) {
            best = Some((score, i, day));
        }
    }
    best.filter(|(s, _, _)| *s >= 0).map(|(_, _, d)| d)
}

/// How surely a date is the FOC date, from the words around it.
fn score(text: &str, found: &FoundDate, since: usize) -> i32 {
    let Around {
        before,
        after,
        label_above,
    } = around(text, found, since);
    let after = after.as_str();
    let mut score = 0;
    // `12/10/2026 -> 12/14/2026`: the date after the arrow is the new one.
    if ARROW_BEFORE.is_match(&before) {
        score += 4;
    }
    if ARROW_AFTER.is_match(after) {
        score -= 4;
    }
    // A date with a time of day is when something was written (a ticket's
    // timestamp), not the day a port happens.
    if TIME_AFTER.is_match(after) {
        score -= 3;
    }
    if CONFIRMED_BEFORE.is_match(&before) || CONFIRMED_BEFORE.is_match(&label_above) {
        score += 3;
    }
    if CONFIRMED_AFTER.is_match(after) {
        score += 3;
    }
    if NOT_CONFIRMED.is_match(&before) || (before.trim().is_empty() && NOT_CONFIRMED.is_match(&label_above)) {
        score -= 5;
    }
    score
}

/// The words a date stands among: its clause before it, the rest of its line after
/// it, and the label of its table column (or the line above).
struct Around {
    before: String,
    after: String,
    label_above: String,
}

fn around(text: &str, found: &FoundDate, since: usize) -> Around {
    let line_start = text[..found.start].rfind('\n').map(|p| p + 1).unwrap_or(0).max(since);
    let line_end = text[found.end..]
        .find('\n')
        .map(|p| found.end + p)
        .unwrap_or(text.len());
    // Underscores join words in JSON keys: `foc_date`, `requested_date`.
    let before = text[line_start..found.start].replace('_', " ");
    let before: String = before
        .chars()
        .rev()
        .take(50)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    // Only the clause the date stands in: "the date you asked for, but I can give
    // you the 5th".
    let before = match before.rfind(';').into_iter().chain(before.rfind(" but ")).max() {
        Some(cut) => before[cut..].to_string(),
        None => before,
    };
    let after = text[found.end..line_end].replace('_', " ");
    // A table cell: the label is the cell before on the same line, or the heading of
    // its column in the line above (or the whole line above).
    let row_start = text[..found.start].rfind('\n').map(|p| p + 1).unwrap_or(0);
    let above = text[..row_start].trim_end().lines().last().unwrap_or("");
    let table_above = text[..row_start].trim_end();
    let label_above = column_heading(table_above, &text[row_start..line_end], found.start - row_start)
        .map(str::to_string)
        .or_else(|| before.trim().is_empty().then(|| above.to_string()))
        .unwrap_or_default()
        .replace('_', " ");
    let before = if label_above.is_empty() || !before.contains([',', '\t', '|']) {
        before
    } else {
        String::new()
    };
    Around {
        before,
        after,
        label_above,
    }
}

/// This module's patterns compiled now (`parse::compile_patterns`).
pub(in crate::parse) fn compile_patterns() {
    for pattern in [
        &CONFIRMED_BEFORE,
        &ARROW_BEFORE,
        &ARROW_AFTER,
        &TIME_AFTER,
        &CONFIRMED_AFTER,
        &NOT_CONFIRMED,
    ] {
        pattern.prepare();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn foc(text: &str) -> Option<String> {
        foc_date(text, NaiveDate::from_ymd_opt(2026, 11, 29)).map(|d| d.to_string())
    }

    #[test]
    fn the_confirmed_date_wins_over_the_requested_one() {
        assert_eq!(
            foc("Requested date: 10/15/2026\nFOC date: 10/21/2026").as_deref(),
            Some("2026-10-21")
        );
        assert_eq!(
            foc("The losing carrier confirmed December 15th as the port date.").as_deref(),
            Some("2026-12-15")
        );
        assert_eq!(
            foc("FOC changed from 12/10/2026 to 12/14/2026").as_deref(),
            Some("2026-12-14")
        );
        assert_eq!(
            foc("Requested date\t10/15/2026\nFOC date\t10/21/2026").as_deref(),
            Some("2026-10-21")
        );
        assert_eq!(
            foc("RESP TYPE: FOC  D/TSENT: 112526 1030\nDD: 121526").as_deref(),
            Some("2026-12-15")
        );
    }
}
