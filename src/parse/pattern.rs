//! The parser's regular expressions, compiled with ASCII classes and no literal
//! prefilter.
//!
//! ASCII classes: Unicode `\w`, `\d`, `\W` and `\b` are large automata: they make every
//! pattern slow to compile and the lazy DFA slow to warm, and a Unicode `\b` sends
//! non-ASCII text to the slowest engine. Carriers' and customers' mail needs none of
//! that: words next to the cues are ASCII, and accented words are spelt out in the
//! patterns themselves (`rechaz[ao]`).
//!
//! No prefilter: the `regex` crate extracts each pattern's literals (every case of every
//! word of a caseless alternation) and builds a literal searcher from them. That was four
//! fifths of compiling the parser's patterns, which `portbot parse` of one message pays
//! in full, while the texts searched are a few kilobytes, where the lazy DFA alone is as
//! quick.
//!
//! Most patterns only ever answer "does this text say it?". That takes one forward lazy
//! DFA; once a pattern has been asked about enough text, its branches that are phrases
//! are answered by Aho-Corasick (`phrases`) and the lazy DFA keeps the others. The full
//! regex (a reverse automaton to find where a match starts, and the
//! engines that resolve groups) is built the first time a pattern is asked where or
//! what it matched.
//!
//! A caseless pattern is compiled in lower case where it can be (`lowered`), and reads
//! each text with its ASCII letters lowered.

use super::ascii_classes::ascii_classes;
use super::lowered::{lowered_source, lowered_text};
pub use super::says_it::reading_few_messages;
use super::says_it::SaysIt;
use regex_automata::meta;
use regex_automata::util::captures::Captures;
use regex_automata::Input;
use regex_syntax::hir::Hir;
use std::borrow::Cow;
use std::sync::OnceLock;

/// One of the parser's patterns: the methods of `regex::Regex` the parser uses, on text.
pub struct Pattern {
    /// As compiled: classes made ASCII.
    source: String,
    /// As parsed: what answers "does it say it?" and the full regex are built from it,
    /// without parsing it again.
    hir: Hir,
    says_it: SaysIt,
    full: OnceLock<meta::Regex>,
    /// Set when the pattern is caseless and compiled in lower case.
    caseless: Option<Caseless>,
}

/// A caseless pattern compiled in lower case: it reads texts lowered, and the few
/// texts that lowering cannot serve are read by the pattern as written, compiled when
/// first needed.
struct Caseless {
    as_written: String,
    compiled: OnceLock<Box<Pattern>>,
}

/// Which text a pattern reads, and how.
enum Reading<'p, 't> {
    /// The text as given, by the pattern as compiled.
    AsGiven(&'t str),
    /// The text with its ASCII letters lowered, by the pattern said in lower case.
    Lowered(std::rc::Rc<str>),
    /// The text as given, by the caseless pattern as written.
    AsWritten(&'p Pattern),
}

impl std::fmt::Debug for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Pattern").field(&self.source).finish()
    }
}

/// `source` compiled with its classes made ASCII; in lower case when it is caseless
/// and lower case can say it.
pub fn compiled(source: &str) -> Pattern {
    let source = ascii_classes(source);
    #[cfg(test)]
    tests::SOURCES_COMPILED
        .lock()
        .expect("the sources")
        .push(source.clone());
    match lowered_source(&source) {
        Some(lowered) => Pattern {
            caseless: Some(Caseless {
                as_written: source,
                compiled: OnceLock::new(),
            }),
            ..as_written(lowered)
        },
        None => as_written(source),
    }
}

/// `source` (its classes already ASCII) compiled as it is.
fn as_written(source: String) -> Pattern {
    let broken = |e: &dyn std::fmt::Display| -> ! { panic!("parser pattern {source:?}: {e}") };
    let hir = super::parsed_ahead::parsed(&source)
        .unwrap_or_else(|| regex_automata::util::syntax::parse(&source).unwrap_or_else(|e| broken(&e)));
    Pattern {
        source,
        hir,
        says_it: SaysIt::new(),
        full: OnceLock::new(),
        caseless: None,
    }
}

/// `source` compiled case-insensitively, with its classes made ASCII.
pub fn caseless(source: &str) -> Pattern {
    compiled(&format!("(?i){source}"))
}

/// The longest text a caseless pattern reads lowered (64 KiB).
const LOWERED_TEXTS_UP_TO: usize = 64 * 1024;

impl Pattern {
    /// How this pattern reads `text`.
    fn reading<'p, 't>(&'p self, text: &'t str) -> Reading<'p, 't> {
        let Some(caseless) = &self.caseless else {
            return Reading::AsGiven(text);
        };
        let as_written = || {
            let pattern = caseless
                .compiled
                .get_or_init(|| Box::new(as_written(caseless.as_written.clone())));
            Reading::AsWritten(pattern)
        };
        // A long text is read as written: a lowered copy of it, and comparing it with
        // the kept ones at every pattern, would cost more than compiling the pattern.
        if text.len() > LOWERED_TEXTS_UP_TO {
            return as_written();
        }
        let lowered = lowered_text(text);
        if lowered.folds_beyond_ascii {
            return as_written();
        }
        Reading::Lowered(lowered.text)
    }

    /// Whether `text` says it anywhere (`says_it`), stopping at the first match.
    pub fn is_match(&self, text: &str) -> bool {
        match self.reading(text) {
            Reading::AsGiven(text) => self.says(text),
            Reading::Lowered(lowered) => self.says(&lowered),
            Reading::AsWritten(pattern) => pattern.is_match(text),
        }
    }

    fn says(&self, text: &str) -> bool {
        let said = self.says_it.says(&self.hir, text).unwrap_or_else(|e| self.broken(e));
        // Only the full regex answers every text: the lazy DFA may give up on some.
        said.unwrap_or_else(|| self.regex().is_match(text))
    }

    /// Builds now what answering "does it say it?" takes, for a thread that compiles the
    /// patterns ahead of the threads reading messages.
    pub fn prepare(&self) {
        if let Err(e) = self.says_it.prepare(&self.hir) {
            self.broken(e)
        }
    }

    fn broken(&self, e: impl std::fmt::Display) -> ! {
        panic!("parser pattern {:?}: {e}", self.source)
    }

    /// The full regex, built on first use.
    fn regex(&self) -> &meta::Regex {
        self.full.get_or_init(|| {
            meta::Regex::builder()
                .configure(meta::Config::new().auto_prefilter(false))
                .build_from_hir(&self.hir)
                .unwrap_or_else(|e| self.broken(e))
        })
    }

    /// The first match.
    pub fn find<'t>(&self, text: &'t str) -> Option<Found<'t>> {
        self.find_at(text, 0)
    }

    /// The first match at or after `start`; what comes before still counts for `\b`
    /// and `^`.
    pub fn find_at<'t>(&self, text: &'t str, start: usize) -> Option<Found<'t>> {
        let search = |pattern: &Pattern, read: &str| {
            let input = Input::new(read).range(start..);
            pattern.regex().search(&input).map(|m| Found {
                text,
                start: m.start(),
                end: m.end(),
            })
        };
        match self.reading(text) {
            Reading::AsGiven(text) => search(self, text),
            Reading::Lowered(lowered) => search(self, &lowered),
            Reading::AsWritten(pattern) => search(pattern, text),
        }
    }

    /// Every match, in order.
    pub fn find_iter<'p, 't>(&'p self, text: &'t str) -> Box<dyn Iterator<Item = Found<'t>> + 'p>
    where
        't: 'p,
    {
        let found = move |m: regex_automata::Match| Found {
            text,
            start: m.start(),
            end: m.end(),
        };
        match self.reading(text) {
            Reading::AsGiven(text) => Box::new(self.regex().find_iter(text).map(found)),
            Reading::AsWritten(pattern) => Box::new(pattern.regex().find_iter(text).map(found)),
            // The lowered text is the thread's: its matches are taken now.
            Reading::Lowered(lowered) => {
                let all: Vec<_> = self.regex().find_iter(&*lowered).map(found).collect();
                Box::new(all.into_iter())
            }
        }
    }

    pub fn captures<'t>(&self, text: &'t str) -> Option<Groups<'t>> {
        let groups_in = |pattern: &Pattern, read: &str| {
            let mut groups = pattern.regex().create_captures();
            pattern.regex().captures(read, &mut groups);
            groups.is_match().then_some(Groups { text, groups })
        };
        match self.reading(text) {
            Reading::AsGiven(text) => groups_in(self, text),
            Reading::Lowered(lowered) => groups_in(self, &lowered),
            Reading::AsWritten(pattern) => groups_in(pattern, text),
        }
    }

    /// Every match and its groups, in order.
    pub fn captures_iter<'p, 't>(&'p self, text: &'t str) -> Box<dyn Iterator<Item = Groups<'t>> + 'p>
    where
        't: 'p,
    {
        let groups = move |groups: Captures| Groups { text, groups };
        match self.reading(text) {
            Reading::AsGiven(text) => Box::new(self.regex().captures_iter(text).map(groups)),
            Reading::AsWritten(pattern) => Box::new(pattern.regex().captures_iter(text).map(groups)),
            Reading::Lowered(lowered) => {
                let all: Vec<_> = self.regex().captures_iter(&*lowered).map(groups).collect();
                Box::new(all.into_iter())
            }
        }
    }

    /// The pieces of `text` between the matches.
    pub fn split<'p, 't>(&'p self, text: &'t str) -> Box<dyn Iterator<Item = &'t str> + 'p>
    where
        't: 'p,
    {
        let piece = move |span: regex_automata::Span| &text[span];
        match self.reading(text) {
            Reading::AsGiven(text) => Box::new(self.regex().split(text).map(piece)),
            Reading::AsWritten(pattern) => Box::new(pattern.regex().split(text).map(piece)),
            Reading::Lowered(lowered) => {
                let all: Vec<_> = self.regex().split(&*lowered).map(piece).collect();
                Box::new(all.into_iter())
            }
        }
    }

    /// `text` with every match blanked out by as many spaces, so that what is left keeps
    /// its columns.
    pub fn blank_out<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut found = self.find_iter(text).peekable();
        if found.peek().is_none() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for m in found {
            out.push_str(&text[last..m.start]);
            out.extend(std::iter::repeat_n(' ', m.end - m.start));
            last = m.end;
        }
        out.push_str(&text[last..]);
        Cow::Owned(out)
    }
}

/// A match: where it is in the text, and what it says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found<'t> {
    text: &'t str,
    start: usize,
    end: usize,
}

impl<'t> Found<'t> {
    pub fn start(&self) -> usize {
        self.start
    }

    pub fn end(&self) -> usize {
        self.end
    }

    pub fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }

    pub fn as_str(&self) -> &'t str {
        &self.text[self.start..self.end]
    }
}

/// A match and its groups.
#[derive(Debug, Clone)]
pub struct Groups<'t> {
    text: &'t str,
    groups: Captures,
}

impl<'t> Groups<'t> {
    /// How many groups the pattern has, the whole match included.
    pub fn group_count(&self) -> usize {
        self.groups.group_len()
    }

    /// Group `index` (0: the whole match), when it took part in the match.
    pub fn get(&self, index: usize) -> Option<Found<'t>> {
        self.groups.get_group(index).map(|span| Found {
            text: self.text,
            start: span.start,
            end: span.end,
        })
    }
}

impl std::ops::Index<usize> for Groups<'_> {
    type Output = str;

    /// Group `index`'s text; a group that took no part in the match panics, as
    /// `regex::Captures` does.
    fn index(&self, index: usize) -> &str {
        match self.get(index) {
            Some(found) => &self.text[found.range()],
            None => panic!("no group {index} in this match"),
        }
    }
}

#[cfg(test)]
#[path = "pattern_tests.rs"]
pub(super) mod tests;
