//! A pattern that is only a list of phrases ("could not be delivered|delivery to the
//! following recipient|...", with optional words and word boundaries at their ends) asks
//! "does this text say one of them?", which Aho-Corasick answers without a lazy DFA to
//! grow. Growing the lazy DFAs was 30 % of the instructions of `portbot parse` of the
//! bench's thousand messages (callgrind), every thread growing its own; the phrase
//! branches of the patterns were more than half of it.
//!
//! The list is read off the compiled pattern itself, so it says exactly what the regex
//! says, or is refused: any repetition beyond `?`, a class of more than a few
//! characters, a boundary inside a phrase, letters that mix caseless and exact, or more
//! than `MOST_PHRASES` phrases after optional parts are spelt out.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// Spelling out optional parts multiplies phrases; past this a DFA is the better tool.
const MOST_PHRASES: usize = 512;
/// A class of more characters than this is no longer a spelling.
const MOST_CLASS_CHARS: usize = 4;

/// The phrases, and what must hold around each where it is found.
pub struct Phrases {
    searcher: AhoCorasick,
    /// By phrase: the boundaries its start and its end must be at.
    edges: Vec<(Vec<Look>, Vec<Look>)>,
    /// A caseless list: the text holds `ſ` or `K`, which Unicode case folding reads as
    /// `s` and `k`, and only the regex may say whether it matches.
    folds_beyond_ascii: bool,
    /// No phrase has a boundary to check: any occurrence says it.
    no_edges: bool,
}

impl Phrases {
    /// The branches of `hir` that are phrases, and the rest of it (the branches that are
    /// more than phrases), either of which may be none.
    pub fn split(hir: &Hir) -> (Option<Phrases>, Option<Hir>) {
        let mut whole = hir;
        while let HirKind::Capture(capture) = whole.kind() {
            whole = &capture.sub;
        }
        let branches = match whole.kind() {
            HirKind::Alternation(branches) => branches.as_slice(),
            _ => std::slice::from_ref(whole),
        };
        let mut reading = Reading::default();
        let mut spelt = Vec::new();
        let mut rest = Vec::new();
        for branch in branches {
            let phrases = only_spellings(branch)
                .then(|| reading.spell(branch))
                .flatten()
                .filter(|phrases| phrases.iter().all(|p| !p.text.is_empty()));
            match phrases {
                Some(phrases) if spelt.len() + phrases.len() <= MOST_PHRASES => spelt.extend(phrases),
                _ => rest.push(branch.clone()),
            }
        }
        let phrases = match Phrases::build(spelt, &reading) {
            Some(phrases) => phrases,
            None => return (None, Some(hir.clone())),
        };
        let rest = match rest.len() {
            0 => None,
            1 => rest.pop(),
            _ => Some(Hir::alternation(rest)),
        };
        (Some(phrases), rest)
    }

    fn build(spelt: Vec<Spelt>, reading: &Reading) -> Option<Phrases> {
        if spelt.is_empty() || (reading.exact_letters && reading.caseless_letters) {
            return None;
        }
        let mut texts = Vec::with_capacity(spelt.len());
        let mut edges = Vec::with_capacity(spelt.len());
        for phrase in spelt {
            texts.push(phrase.text);
            edges.push((phrase.before, phrase.after));
        }
        let searcher = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(reading.caseless_letters)
            .kind(Some(AhoCorasickKind::NoncontiguousNFA))
            .build(&texts)
            .ok()?;
        Some(Phrases {
            searcher,
            no_edges: edges
                .iter()
                .all(|(before, after)| before.is_empty() && after.is_empty()),
            edges,
            folds_beyond_ascii: reading.caseless_letters && reading.folded_beyond_ascii,
        })
    }

    /// Whether `text` says one of the phrases with its boundaries; `None` when only the
    /// regex can tell (a caseless list and a text with `ſ` or `K`).
    pub fn found_in(&self, text: &str) -> Option<bool> {
        if self.folds_beyond_ascii && (text.contains('\u{17F}') || text.contains('\u{212A}')) {
            return None;
        }
        if self.no_edges {
            return Some(self.searcher.is_match(text));
        }
        let bytes = text.as_bytes();
        let found = self.searcher.find_overlapping_iter(text).any(|m| {
            let (before, after) = &self.edges[m.pattern().as_usize()];
            before.iter().all(|&look| holds(look, bytes, m.start()))
                && after.iter().all(|&look| holds(look, bytes, m.end()))
        });
        Some(found)
    }
}

/// Whether `hir` is made only of what a list of phrases is made of: a quick look before
/// spelling it out.
fn only_spellings(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Literal(_) | HirKind::Look(_) => true,
        HirKind::Class(Class::Unicode(class)) => class.iter().map(|r| r.len()).sum::<usize>() <= MOST_CLASS_CHARS,
        HirKind::Class(Class::Bytes(_)) => false,
        HirKind::Repetition(rep) => rep.min == 0 && rep.max == Some(1) && only_spellings(&rep.sub),
        HirKind::Capture(capture) => only_spellings(&capture.sub),
        HirKind::Concat(parts) | HirKind::Alternation(parts) => parts.iter().all(only_spellings),
    }
}

/// Whether a boundary the list allows holds at `at`.
fn holds(look: Look, text: &[u8], at: usize) -> bool {
    let word = |i: usize| text.get(i).is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
    match look {
        Look::Start => at == 0,
        Look::End => at == text.len(),
        Look::StartLF => at == 0 || text[at - 1] == b'\n',
        Look::EndLF => at == text.len() || text[at] == b'\n',
        Look::WordAscii => (at > 0 && word(at - 1)) != word(at),
        // `edges` keeps no other boundary.
        _ => false,
    }
}

/// A phrase as spelt: its text, and the boundaries at its start and its end.
#[derive(Clone, Default)]
struct Spelt {
    text: String,
    before: Vec<Look>,
    after: Vec<Look>,
}

impl Spelt {
    /// `text` written after this; `None` when that puts a boundary inside the phrase.
    fn then_text(&mut self, text: &str) -> Option<()> {
        if !text.is_empty() && !self.after.is_empty() {
            return None;
        }
        self.text.push_str(text);
        Some(())
    }

    /// A boundary after this: at the phrase's start while it has no text yet.
    fn then_boundary(&mut self, look: Look) {
        let edge = if self.text.is_empty() {
            &mut self.before
        } else {
            &mut self.after
        };
        edge.push(look);
    }
}

#[derive(Default)]
struct Reading {
    /// A letter matched in both cases (`(?i)`).
    caseless_letters: bool,
    /// A letter matched in one case only.
    exact_letters: bool,
    /// A caseless `s` or `k` whose class also held `ſ` or `K`.
    folded_beyond_ascii: bool,
}

impl Reading {
    /// Every phrase `hir` matches, or `None` when it is more than a list.
    fn spell(&mut self, hir: &Hir) -> Option<Vec<Spelt>> {
        self.spell_after(hir, vec![Spelt::default()])
    }

    /// Each of `heads` followed by each phrase `hir` matches.
    fn spell_after(&mut self, hir: &Hir, mut heads: Vec<Spelt>) -> Option<Vec<Spelt>> {
        match hir.kind() {
            HirKind::Empty => Some(heads),
            HirKind::Literal(literal) => {
                let text = std::str::from_utf8(&literal.0).ok()?;
                if text.chars().any(|c| c.is_ascii_alphabetic()) {
                    self.exact_letters = true;
                }
                for head in &mut heads {
                    head.then_text(text)?;
                }
                Some(heads)
            }
            HirKind::Class(Class::Unicode(class)) => {
                let texts = self.spell_class(class.iter().flat_map(|r| r.start()..=r.end()))?;
                if let [text] = texts.as_slice() {
                    for head in &mut heads {
                        head.then_text(text)?;
                    }
                    return Some(heads);
                }
                if heads.len() * texts.len() > MOST_PHRASES {
                    return None;
                }
                let mut spelt = Vec::with_capacity(heads.len() * texts.len());
                for head in &heads {
                    for text in &texts {
                        let mut phrase = head.clone();
                        phrase.then_text(text)?;
                        spelt.push(phrase);
                    }
                }
                Some(spelt)
            }
            HirKind::Class(Class::Bytes(_)) => None,
            HirKind::Look(look) => {
                let checked = matches!(
                    look,
                    Look::Start | Look::End | Look::StartLF | Look::EndLF | Look::WordAscii
                );
                if !checked {
                    return None;
                }
                for head in &mut heads {
                    head.then_boundary(*look);
                }
                Some(heads)
            }
            HirKind::Repetition(rep) if rep.min == 0 && rep.max == Some(1) => {
                let mut spelt = heads.clone();
                spelt.extend(self.spell_after(&rep.sub, heads)?);
                (spelt.len() <= MOST_PHRASES).then_some(spelt)
            }
            HirKind::Repetition(_) => None,
            HirKind::Capture(capture) => self.spell_after(&capture.sub, heads),
            HirKind::Concat(parts) => {
                for part in parts {
                    heads = self.spell_after(part, heads)?;
                }
                Some(heads)
            }
            HirKind::Alternation(branches) => {
                let mut spelt = Vec::new();
                for branch in branches {
                    spelt.extend(self.spell_after(branch, heads.clone())?);
                    if spelt.len() > MOST_PHRASES {
                        return None;
                    }
                }
                Some(spelt)
            }
        }
    }

    /// A small class as the texts it stands for: a letter in both cases as its lower
    /// case (searched caseless), any other character as itself.
    fn spell_class(&mut self, chars: impl Iterator<Item = char>) -> Option<Vec<String>> {
        let chars: Vec<char> = chars.take(MOST_CLASS_CHARS + 1).collect();
        if chars.len() > MOST_CLASS_CHARS {
            return None;
        }
        let mut texts: Vec<String> = Vec::new();
        for &c in &chars {
            let text = if c.is_ascii_alphabetic() {
                let other = if c.is_ascii_lowercase() {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                };
                if chars.contains(&other) {
                    self.caseless_letters = true;
                    c.to_ascii_lowercase().to_string()
                } else {
                    self.exact_letters = true;
                    c.to_string()
                }
            } else if c == '\u{17F}' || c == '\u{212A}' {
                // Unicode's other `s` and `k`: stood for by the caseless letter, checked
                // for in the text before the search.
                let letter = if c == '\u{17F}' { 's' } else { 'k' };
                if !chars.iter().any(|o| o.eq_ignore_ascii_case(&letter)) {
                    return None;
                }
                self.folded_beyond_ascii = true;
                continue;
            } else {
                c.to_string()
            };
            if !texts.contains(&text) {
                texts.push(text);
            }
        }
        Some(texts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(source: &str) -> (Option<Phrases>, Option<Hir>) {
        Phrases::split(&regex_automata::util::syntax::parse(source).expect("a pattern"))
    }

    #[test]
    fn a_list_of_phrases_is_read_whole() {
        // The parser's `\b` is ASCII's (`pattern::compiled` writes it so).
        let (phrases, rest) = split(r"(?i)could not be delivered|undeliver(ed|able)|(?-u:\b)pin(?-u:\b)");
        let phrases = phrases.expect("phrases");
        assert!(rest.is_none());
        assert_eq!(phrases.found_in("The message COULD NOT BE DELIVERED."), Some(true));
        assert_eq!(phrases.found_in("Undeliverable: hello"), Some(true));
        assert_eq!(phrases.found_in("your PIN is 1234"), Some(true));
        assert_eq!(phrases.found_in("spinning pins"), Some(false));
    }

    #[test]
    fn branches_beyond_phrases_are_left_to_the_regex() {
        let (phrases, rest) = split(r"(?i)permanent error|5\.\d\.\d{1,3}|\bport\b[^.]{0,60}\bdone\b");
        assert!(phrases.is_some());
        let rest = rest.expect("the branches with classes and gaps");
        assert!(matches!(rest.kind(), HirKind::Alternation(b) if b.len() == 2));
    }

    #[test]
    fn a_pattern_with_no_phrase_is_left_whole() {
        let (phrases, rest) = split(r"\$\s?\d[\d,]*\.\d\d");
        assert!(phrases.is_none());
        assert!(rest.is_some());
    }

    #[test]
    fn a_boundary_inside_a_phrase_is_not_a_phrase() {
        let (phrases, _) = split(r"(?-u:port\bout)");
        assert!(phrases.is_none());
    }

    #[test]
    fn line_starts_and_ends_are_checked_where_the_phrase_is_found() {
        let (phrases, _) = split(r"(?im)^completed$");
        let phrases = phrases.expect("phrases");
        assert_eq!(phrases.found_in("status:\nCompleted\nthanks"), Some(true));
        assert_eq!(phrases.found_in("status: completed\n"), Some(false));
    }

    #[test]
    fn unicodes_other_s_and_k_are_left_to_the_regex() {
        let (phrases, _) = split(r"(?i)kit");
        let phrases = phrases.expect("phrases");
        assert_eq!(phrases.found_in("a \u{212A}it"), None);
        assert_eq!(phrases.found_in("a KIT"), Some(true));
    }

    #[test]
    fn letters_in_one_case_stay_in_that_case() {
        let (phrases, _) = split(r"FOC|BTN");
        let phrases = phrases.expect("phrases");
        assert_eq!(phrases.found_in("the FOC date"), Some(true));
        assert_eq!(phrases.found_in("the foc date"), Some(false));
        // Caseless and exact letters in one list: left to the regex.
        assert!(split(r"FOC|(?i:btn)").0.is_none());
    }
}
