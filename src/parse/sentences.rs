//! A message's text cut as the classifier reads it: the questions it asks, the
//! statements it makes, and its opening characters. Pure string work, no patterns.

/// The sentences that end in a question mark (or open with `¿`), from the sentence's
/// start (a full stop then a space; not the dots inside `813.966.9655`).
pub(super) fn questions(text: &str) -> Vec<&str> {
    text.split_inclusive(['?', '\n'])
        .filter(|s| s.ends_with('?') || s.contains('¿'))
        .map(|s| s.rfind(". ").map_or(s, |p| &s[p + 2..]))
        .collect()
}

/// The first `count` characters of `text`.
pub(super) fn first_chars(text: &str, count: usize) -> &str {
    &text[..text.char_indices().nth(count).map_or(text.len(), |(at, _)| at)]
}

/// Sentences and lines that are not questions: a notice states, a customer asks.
pub(super) fn statements(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        // A full stop ends a sentence only before a space and not before a number:
        // not in `12.04.2026` or `Dec. 18th`.
        let stop = c == '.'
            && bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace())
            && !text[i + 1..].trim_start().starts_with(|n: char| n.is_ascii_digit());
        if matches!(c, '\n' | '!' | '?') || stop {
            let sentence = &text[start..i];
            if c != '?' && !sentence.contains('¿') && !sentence.trim().is_empty() {
                out.push(sentence);
            }
            start = i + c.len_utf8();
        }
    }
    let last = &text[start..];
    if !last.trim().is_empty() && !last.contains('¿') {
        out.push(last);
    }
    out
}
