//! "Does this text say it?", the question most parser patterns are only ever asked:
//! the whole pattern's forward lazy DFA, or once the pattern has been asked about enough
//! text, its phrase branches by Aho-Corasick (`phrases`) and a lazy DFA of the others.
//! Each stops at the first match; `None` leaves a text to the full regex.

use super::phrases::Phrases;
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson;
use regex_automata::util::pool::Pool;
use regex_automata::Input;
use regex_syntax::hir::Hir;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Why a pattern could not be built.
pub type BuildError = Box<dyn std::error::Error + Send + Sync>;

type MakeCache = Box<dyn Fn() -> Cache + Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe>;

/// After how much text a pattern's phrase branches are split off and searched by
/// Aho-Corasick: at once, unless the process reads a few messages and ends. Over many
/// messages, growing the lazy DFA costs more than building the phrases' automaton; on
/// one message, less (`portbot parse` of one message took 2.5 ms more when every
/// pattern split at once, and one of a thousand 12 % less).
static SPLIT_AFTER: AtomicUsize = AtomicUsize::new(0);

/// This process reads a few messages and ends: only a pattern asked about much text (a
/// long message) has its phrases split off. Patterns compiled later take it.
pub fn reading_few_messages() {
    SPLIT_AFTER.store(64 * 1024, Ordering::Relaxed);
}

/// What answers "does it say it?" for one pattern, built on first use.
pub struct SaysIt {
    /// The whole pattern's lazy DFA: what answers until the pattern has been asked about
    /// `split_after` bytes, and after when it has no phrases.
    whole: OnceLock<LazyDfa>,
    split_after: usize,
    /// Bytes of text asked about so far.
    asked: AtomicUsize,
    /// The phrases split off (`None`: the pattern has none, the whole DFA goes on).
    split: OnceLock<Option<Split>>,
}

impl SaysIt {
    /// As this process reads messages (`reading_few_messages`).
    pub fn new() -> SaysIt {
        SaysIt::splitting_after(SPLIT_AFTER.load(Ordering::Relaxed))
    }

    fn splitting_after(split_after: usize) -> SaysIt {
        SaysIt {
            whole: OnceLock::new(),
            split_after,
            asked: AtomicUsize::new(0),
            split: OnceLock::new(),
        }
    }

    /// Whether `text` says what `hir` (this pattern) says; `None` when only the full
    /// regex can tell.
    pub fn says(&self, hir: &Hir, text: &str) -> Result<Option<bool>, BuildError> {
        let asked = self.asked.fetch_add(text.len(), Ordering::Relaxed);
        let split = match asked >= self.split_after {
            true => self.split(hir),
            false => None,
        };
        match split {
            Some(split) => Ok(split.says(text)),
            None => Ok(self.whole(hir)?.says(text)),
        }
    }

    /// Builds now what the next question takes.
    pub fn prepare(&self, hir: &Hir) -> Result<(), BuildError> {
        let split = match self.split_after {
            0 => self.split(hir),
            _ => None,
        };
        if split.is_none() {
            self.whole(hir)?;
        }
        Ok(())
    }

    fn split(&self, hir: &Hir) -> Option<&Split> {
        self.split.get_or_init(|| Split::of(hir)).as_ref()
    }

    fn whole(&self, hir: &Hir) -> Result<&LazyDfa, BuildError> {
        if let Some(whole) = self.whole.get() {
            return Ok(whole);
        }
        let built = LazyDfa::of(hir)?;
        Ok(self.whole.get_or_init(|| built))
    }
}

/// A forward lazy DFA and its caches (one a thread at a time).
struct LazyDfa {
    dfa: DFA,
    caches: Pool<Cache, MakeCache>,
}

impl LazyDfa {
    fn of(hir: &Hir) -> Result<LazyDfa, BuildError> {
        // One compiler a thread: a new one sets up (and clears) its UTF-8 tables for
        // every pattern, 7 % of `portbot parse` of one message. The DFA only says
        // whether a text matches, so the NFA keeps no group states (1 % fewer
        // instructions for one message).
        thread_local! {
            static COMPILER: thompson::Compiler = {
                let mut compiler = thompson::Compiler::new();
                compiler.configure(thompson::Config::new().which_captures(thompson::WhichCaptures::None));
                compiler
            };
        }
        let nfa = COMPILER.with(|compiler| compiler.build_from_hir(hir).map_err(Box::new))?;
        let dfa = DFA::builder().build_from_nfa(nfa)?;
        let for_caches = dfa.clone();
        let make: MakeCache = Box::new(move || for_caches.create_cache());
        Ok(LazyDfa {
            dfa,
            caches: Pool::new(make),
        })
    }

    /// Whether `text` holds a match, stopping at the first; `None` when the lazy DFA
    /// gives up on the text.
    fn says(&self, text: &str) -> Option<bool> {
        let input = Input::new(text).earliest(true);
        self.dfa
            .try_search_fwd(&mut self.caches.get(), &input)
            .ok()
            .map(|found| found.is_some())
    }
}

/// A pattern's phrase branches, and a lazy DFA of its other branches.
struct Split {
    phrases: Phrases,
    others: Option<LazyDfa>,
}

impl Split {
    fn of(hir: &Hir) -> Option<Split> {
        let (phrases, others) = Phrases::split(hir);
        let others = match others {
            Some(others) => Some(LazyDfa::of(&others).ok()?),
            None => None,
        };
        Some(Split {
            phrases: phrases?,
            others,
        })
    }

    fn says(&self, text: &str) -> Option<bool> {
        match self.phrases.found_in(text)? {
            true => Some(true),
            false => self.others.as_ref().map_or(Some(false), |others| others.says(text)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny deterministic generator: the same texts every run.
    struct Texts(u64);

    impl Texts {
        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            from[(self.0 % from.len() as u64) as usize]
        }
    }

    #[test]
    fn saying_it_by_phrases_agrees_with_the_regex() {
        let sources = [
            r"could not be delivered|delivery to the following recipient|5\.\d\.\d{1,3}|550[ -]",
            r"(?-u:\b)pin(?-u:\b)|passcode|pass code|account code|authori[sz]ed (user|person)",
            r"(?m)^\s*(completed|live)\s*[:\-]|(?-u:\b)sv activated(?-u:\b)|(?-u:\b)ported (successfully|in|over)(?-u:\b)|^done$",
            r"undeliver(ed|able)|delivery (status notification|failure)",
            r"portabilidad (ha sido |fue )?(completada|exitosa)|se complet[oó]|n[uú]mero",
            r"((?-u:\b)foc(?-u:\b)|firm order|port(ing)? date)",
        ];
        let words = [
            "pin",
            "PIN",
            "passcode",
            "pass",
            "code",
            "account",
            "authorised",
            "authorized",
            "user",
            "pinned",
            "spin",
            "could",
            "not",
            "be",
            "delivered",
            "5.1.1",
            "550",
            "550-",
            "completed",
            "LIVE",
            "sv",
            "activated",
            "ported",
            "successfully",
            "over",
            "in",
            "undeliverable",
            "delivery",
            "status notification",
            "portabilidad",
            "ha sido",
            "completada",
            "se",
            "completó",
            "número",
            "numero",
            "ſ",
            "\u{212A}it",
            "Kit",
            "done",
            "FOC",
            "firm order",
            "porting date",
            "é",
        ];
        let gaps = ["", " ", "  ", "\n", "_", ".", ":", "-", "é"];
        let mut texts = Texts(0x9E37_79B9_7F4A_7C15);
        for source in sources {
            let sources = [source.to_string(), format!("(?i){source}")];
            for (source, split_after) in sources.iter().flat_map(|s| [(s, 0), (s, usize::MAX)]) {
                let hir = regex_automata::util::syntax::parse(source).expect("a pattern");
                let regex = regex_automata::meta::Regex::builder()
                    .build_from_hir(&hir)
                    .expect("the regex");
                let says_it = SaysIt::splitting_after(split_after);
                assert!(Split::of(&hir).is_some(), "{source} has phrases");
                for _ in 0..3000 {
                    let count = 1 + texts.0 as usize % 6;
                    let text: String = (0..count)
                        .map(|_| format!("{}{}", texts.pick(&words), texts.pick(&gaps)))
                        .collect();
                    let said = says_it.says(&hir, &text).expect("built");
                    // `None`: the regex is asked instead.
                    let said = said.unwrap_or_else(|| regex.is_match(&text));
                    assert_eq!(said, regex.is_match(&text), "{source:?} on {text:?}");
                }
            }
        }
    }
}
