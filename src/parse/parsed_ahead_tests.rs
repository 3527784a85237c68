//! Tests of `parsed_ahead.rs`: the table holds every parser pattern, and each entry
//! reads back as exactly what parsing its source gives.
//!
//! When the parser's patterns change, write the table again:
//! `PORTBOT_WRITE_PARSED_AHEAD=1 cargo test --lib parsed_ahead`.

use super::*;
use std::collections::{BTreeMap, BTreeSet};

const TABLE_FILE: &str = "src/parse/parsed_ahead.bin";
/// Set in this test binary run again to list the parser's patterns.
const LISTING: &str = "PORTBOT_LISTING_PARSER_PATTERNS";
const LISTED: &str = "parser pattern: ";

fn parse(source: &str) -> Hir {
    regex_automata::util::syntax::parse(source).expect("a parser pattern")
}

/// The sources the parser's patterns parse: each as written and, where it is caseless,
/// in lower case. Listed by this test binary run again for one test alone, so that no
/// other test's pattern is among them.
fn parser_sources() -> BTreeSet<String> {
    let test = "parse::parsed_ahead::tests::the_table_holds_every_parser_pattern_as_parsed";
    let run = std::process::Command::new(std::env::current_exe().expect("this test binary"))
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(LISTING, "1")
        .output()
        .expect("this test binary runs again");
    let stdout = String::from_utf8(run.stdout).expect("the listing is text");
    assert!(run.status.success(), "listing the patterns failed: {stdout}");
    stdout
        .lines()
        .filter_map(|line| line.strip_prefix(LISTED))
        .map(|listed| serde_json::from_str(listed).expect("a listed source"))
        .collect()
}

/// In the run that lists them: compiles every parser pattern and prints its sources.
fn list_parser_sources() {
    crate::parse::compile_patterns(|| true);
    let compiled = crate::parse::pattern::tests::SOURCES_COMPILED
        .lock()
        .expect("the sources")
        .clone();
    for source in compiled {
        let lowered = crate::parse::lowered::lowered_source(&source);
        for source in std::iter::once(source).chain(lowered) {
            println!("{LISTED}{}", serde_json::to_string(&source).expect("a source"));
        }
    }
}

/// The table of these sources: each that reads back exactly as parsed.
fn table_of(sources: &BTreeSet<String>) -> Vec<u8> {
    let mut kept = BTreeMap::new();
    for source in sources {
        let hir = parse(source);
        let one = table(&BTreeMap::from([(source.clone(), hir.clone())]));
        if parsed_in(&one, source).as_ref() == Some(&hir) {
            kept.insert(source.clone(), hir);
        }
    }
    table(&kept)
}

#[test]
fn the_table_holds_every_parser_pattern_as_parsed() {
    if std::env::var_os(LISTING).is_some() {
        return list_parser_sources();
    }
    let sources = parser_sources();
    assert!(sources.len() >= 100, "only {} parser patterns listed", sources.len());
    let written = table_of(&sources);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(TABLE_FILE);
    if std::env::var_os("PORTBOT_WRITE_PARSED_AHEAD").is_some() {
        std::fs::write(&path, &written).expect("the table written");
    }
    let built_in = std::fs::read(&path).expect("the table");
    assert!(
        built_in == written,
        "{TABLE_FILE} is not the table of today's parser patterns: write it again with \
         `PORTBOT_WRITE_PARSED_AHEAD=1 cargo test --lib parsed_ahead`"
    );
    let held = sources.iter().filter(|s| parsed_in(&built_in, s).is_some()).count();
    assert!(
        held * 10 >= sources.len() * 9,
        "the table holds only {held} of {} patterns",
        sources.len()
    );
    for source in &sources {
        if let Some(hir) = parsed_in(&built_in, source) {
            assert_eq!(hir, parse(source), "{source}");
        }
    }
}

#[test]
fn a_pattern_the_table_holds_reads_back_as_parsed() {
    let source = r"(?i)\b(port(ing)?|numbers?)\b[^.\n]{0,40}(?P<date>\d{1,2}/\d{1,2})|fax\s*$";
    let hir = parse(source);
    let table = table(&BTreeMap::from([(source.to_string(), hir.clone())]));
    assert_eq!(parsed_in(&table, source), Some(hir));
    assert_eq!(parsed_in(&table, "another source"), None);
}

#[test]
fn a_damaged_table_is_not_read() {
    let source = r"\bfoc\b (\d+)";
    let table = table(&BTreeMap::from([(source.to_string(), parse(source))]));
    for cut in 0..table.len() {
        assert_eq!(parsed_in(&table[..cut], source), None, "cut at {cut}");
    }
    let mut wrong_tag = table.clone();
    let last = wrong_tag.len() - 1;
    wrong_tag[last] = 0xff;
    assert_eq!(parsed_in(&wrong_tag, source), None);
    assert_eq!(parsed_in(b"not a table", source), None);
}

#[test]
fn the_parser_takes_its_patterns_from_the_built_in_table() {
    let entries = entries(TABLE).expect("the built-in table reads");
    assert!(
        entries.len() >= 100,
        "the built-in table holds {} patterns",
        entries.len()
    );
    for (source, _) in entries {
        assert_eq!(parsed(source), Some(parse(source)), "{source}");
    }
}
