//! `portbot parse` against the shared material: the samples score as the contract
//! demands, and every public corpus file is read quickly without a crash.

use portbot::parse::{classify::Kind, parse_file_bytes};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// `../shared` beside the checkout, or `$PORTBOT_SHARED`.
fn shared() -> PathBuf {
    std::env::var_os("PORTBOT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"))
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if !matches!(
                path.file_name().and_then(|n| n.to_str()),
                Some("LICENSE" | "COPYING" | "README.md")
            ) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Scores `portbot parse` of every file listed in `dir/expected.jsonl`; returns the
/// scorer's report and its overall figure.
fn score(dir: &Path) -> (String, f64) {
    let expected = dir.join("expected.jsonl");
    let files: Vec<String> = std::fs::read_to_string(&expected)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["file"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let out = Command::new(env!("CARGO_BIN_EXE_portbot"))
        .current_dir(dir)
        .arg("parse")
        .arg("--json")
        .args(&files)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let actual = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(actual.path(), &out.stdout).unwrap();
    let scored = Command::new("python3")
        .arg(shared().join("tools/score.py"))
        .arg(&expected)
        .arg(actual.path())
        .output()
        .expect("python3 runs the scorer");
    let report = String::from_utf8_lossy(&scored.stdout).into_owned();
    let overall = report
        .lines()
        .find(|l| l.starts_with("overall"))
        .and_then(figure)
        .expect("an overall figure");
    (report, overall)
}

fn figure(line: &str) -> Option<f64> {
    line.split_whitespace().find_map(|w| w.parse::<f64>().ok())
}

/// Messages we wrote ourselves, in other carriers' and vendors' wording and layouts:
/// the parser must not be fitted to the samples.
#[test]
fn our_own_varied_messages_score_at_least_095() {
    let (report, overall) = score(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/parse_cases"));
    assert!(overall >= 0.95, "overall {overall} below 0.95:\n{report}");
}

#[test]
fn the_samples_score_as_the_contract_demands() {
    let (report, overall) = score(&shared().join("samples"));
    assert!(overall >= 0.97, "overall {overall} below 0.97:\n{report}");
    for line in report
        .lines()
        .filter(|l| l.contains("accuracy") || l.contains("micro-F1") || l.starts_with("invoice."))
    {
        let value = figure(line).unwrap_or(0.0);
        assert!(value >= 0.9, "a figure below 0.9: {line}\n{report}");
    }
}

#[test]
fn every_corpus_file_is_read_quickly_and_bounces_are_recognised() {
    let corpora = shared().join("corpora");
    let (mut bounces, mut recognised) = (0, 0);
    for path in files_under(&corpora) {
        let bytes = std::fs::read(&path).unwrap();
        let shown = path.display().to_string();
        let started = Instant::now();
        let parsed = parse_file_bytes(&shown, &bytes);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{shown} took {:?}",
            started.elapsed()
        );
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if shown.contains("sisimai/bsd/") {
            if name.starts_with("rfc3834") {
                assert_eq!(parsed.kind, Kind::AutoReply, "{shown}");
            } else if !name.starts_with("arf") {
                bounces += 1;
                recognised += usize::from(parsed.kind == Kind::Bounce);
            }
        }
        if shown.contains("sisimai/not/") {
            assert_ne!(parsed.kind, Kind::Bounce, "{shown}");
        }
    }
    let recall = recognised as f64 / bounces as f64;
    assert!(bounces > 500, "the sisimai corpus is missing ({bounces} bounces)");
    assert!(recall >= 0.97, "bounce recall {recall:.3} ({recognised}/{bounces})");
}
