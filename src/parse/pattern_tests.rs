//! Tests of `pattern.rs`: the lowered patterns against them as written, ASCII classes.

use super::*;

/// Every source compiled by this test process, as made ASCII.
pub static SOURCES_COMPILED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// Message texts to read: sample mail and porting mail of other carriers, each also
/// in capitals, and with the two characters Unicode folds to ASCII letters.
fn shared_texts() -> Vec<String> {
    let shared = std::env::var_os("PORTBOT_SHARED")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    let mut texts = Vec::new();
    for folder in ["samples/mail", "corpora/porting-c/mail"] {
        let Ok(entries) = std::fs::read_dir(shared.join(folder)) else {
            continue;
        };
        let mut paths: Vec<_> = entries.map(|e| e.expect("an entry").path()).collect();
        paths.sort();
        for path in paths.iter().take(40) {
            let bytes = std::fs::read(path).expect("a message");
            let text = String::from_utf8_lossy(&bytes).into_owned();
            texts.push(text.to_uppercase());
            texts.push(text.replace('s', "\u{17F}").replace('K', "\u{212A}"));
            texts.push(text);
        }
    }
    assert!(texts.len() >= 120, "the shared messages are in {}", shared.display());
    texts
}

fn spans(groups: Option<Groups>) -> Vec<Option<std::ops::Range<usize>>> {
    groups.map_or(Vec::new(), |g| {
        (0..g.group_count()).map(|i| g.get(i).map(|f| f.range())).collect()
    })
}

/// Each of the parser's caseless patterns that is compiled in lower case finds what
/// it finds as written, where it finds it, with the same groups.
#[test]
fn every_parser_pattern_lowered_reads_as_written() {
    crate::parse::compile_patterns(|| true);
    let sources = SOURCES_COMPILED.lock().expect("the sources").clone();
    let lowered: Vec<_> = sources.iter().filter(|s| lowered_source(s).is_some()).collect();
    assert!(lowered.len() >= 40, "only {} patterns are lowered", lowered.len());
    let texts = shared_texts();
    for source in lowered {
        let (ours, theirs) = (compiled(source), as_written(source.clone()));
        assert!(ours.caseless.is_some(), "{source}");
        for text in &texts {
            let said = |p: &Pattern| p.is_match(text);
            assert_eq!(said(&ours), said(&theirs), "{source} on {text:.80}");
            let all = |p: &Pattern| p.find_iter(text).map(|f| f.range()).collect::<Vec<_>>();
            assert_eq!(all(&ours), all(&theirs), "{source}");
            assert_eq!(spans(ours.captures(text)), spans(theirs.captures(text)), "{source}");
            let mut middle = text.len() / 2;
            while !text.is_char_boundary(middle) {
                middle += 1;
            }
            let from = |p: &Pattern| p.find_at(text, middle).map(|f| f.range());
            assert_eq!(from(&ours), from(&theirs), "{source}");
        }
    }
}

#[test]
fn classes_outside_brackets_become_ascii() {
    assert_eq!(
        ascii_classes(r"\bport\W{0,3}\d+\b"),
        r"(?-u:\b)port[^0-9A-Za-z_]{0,3}[0-9]+(?-u:\b)"
    );
}

#[test]
fn classes_inside_brackets_stay_inside_them() {
    assert_eq!(ascii_classes(r"\$\s?\d[\d,]*\.\d\d"), r"\$\s?[0-9][0-9,]*\.[0-9][0-9]");
    assert_eq!(ascii_classes(r"[\w']+"), r"[0-9A-Za-z_']+");
    assert_eq!(ascii_classes(r"[]\d]"), r"[]0-9]");
}

#[test]
fn letters_stay_letters_in_the_languages_we_read() {
    let month = caseless(r"^\p{L}{3,10}$");
    for word in ["febrero", "Février", "août", "diciembre"] {
        assert!(month.is_match(word), "{word}");
    }
    assert!(!month.is_match("12345"));
}

#[test]
fn a_word_boundary_still_bounds_words_in_accented_text() {
    let cue = caseless(r"\bnot\b");
    assert!(cue.is_match("ya está: not ported"));
    assert!(!cue.is_match("notación"));
}

#[test]
fn saying_it_and_finding_it_agree() {
    let cue = caseless(r"\bport(ed|ing)?\b");
    for text in [
        "Your numbers PORTED today",
        "no mention",
        "a passport",
        "porting é port",
    ] {
        assert_eq!(cue.is_match(text), cue.find(text).is_some(), "{text}");
    }
    assert_eq!(cue.find("we are PORTING now").map(|m| m.as_str()), Some("PORTING"));
}

#[test]
fn a_search_from_the_middle_still_sees_the_word_before_it() {
    let word = compiled(r"\bport\b");
    let text = "airport port";
    assert_eq!(word.find_at(text, 3).map(|m| m.start()), Some(8));
}

#[test]
fn groups_blanking_and_splitting_read_like_regex() {
    let money = compiled(r"\$(\d+)(\.\d\d)?");
    let found = money.captures("due: $25 now").expect("a match");
    assert_eq!((&found[0], &found[1], found.get(2)), ("$25", "25", None));
    assert_eq!(found.group_count(), 3);
    assert_eq!(money.blank_out("pay $25.00 today"), "pay        today");
    assert_eq!(money.blank_out("nothing owed"), "nothing owed");
    let cells: Vec<_> = compiled(r"\s{2,}").split("BTN  555-0100   active").collect();
    assert_eq!(cells, ["BTN", "555-0100", "active"]);
}

#[test]
fn other_escapes_are_kept() {
    assert_eq!(ascii_classes(r"\.\s\t\$\\"), r"\.\s\t\$\\");
    assert_eq!(ascii_classes(r"\p{Lu}"), r"\p{Lu}");
}
