//! `portbot parse`: what messages and bills say, one JSON line per file.

use super::Failure;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// How `portbot parse` shows each file.
#[derive(Debug, Clone, Copy)]
pub(super) struct Show {
    pub json: bool,
    /// The text read instead of the reading.
    pub text: bool,
    /// The confidence and evidence too.
    pub explain: bool,
}

/// `portbot parse`: one line per file, in the order given. A file that cannot be read as
/// a message still gets its line; a missing file is an error (exit 1) after the others
/// are printed. Files are read on every core, and each line is printed as soon as the
/// ones before it are.
pub(super) fn parse_files(files: &[PathBuf], show: Show, out: &mut (dyn Write + Send)) -> Result<(), Failure> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, files.len().max(1));
    let next = AtomicUsize::new(0);
    let (lines, printed) = mpsc::channel::<(usize, Line)>();
    let mut missing = Vec::new();
    let written = std::thread::scope(|scope| {
        for _ in 0..workers {
            let lines = lines.clone();
            let next = &next;
            scope.spawn(move || loop {
                let at = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = files.get(at) else { break };
                if lines.send((at, line_for(path, show))).is_err() {
                    break;
                }
            });
        }
        drop(lines);
        // When the output goes away (a closed pipe), the receiver is dropped with it and
        // every worker stops at its next line.
        print_in_order(printed, out, &mut missing)
    });
    written?;
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Failure::input(format!("cannot read {}", missing.join("; "))))
    }
}

/// What `portbot parse` says of one file.
enum Line {
    Shown(String),
    Missing(String),
}

/// Prints each line once every line before it is printed.
fn print_in_order(
    printed: mpsc::Receiver<(usize, Line)>,
    out: &mut (dyn Write + Send),
    missing: &mut Vec<String>,
) -> Result<(), Failure> {
    let mut waiting = BTreeMap::new();
    let mut due = 0;
    for (at, line) in printed {
        waiting.insert(at, line);
        while let Some(line) = waiting.remove(&due) {
            due += 1;
            match line {
                Line::Shown(text) => writeln!(out, "{text}").map_err(Failure::output)?,
                Line::Missing(why) => missing.push(why),
            }
        }
    }
    Ok(())
}

fn line_for(path: &Path, show: Show) -> Line {
    let Show { json, text, explain } = show;
    let shown = path.display().to_string();
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => return Line::Missing(format!("{shown}: {e}")),
    };
    if text {
        let read = crate::parse::text_of_file(&shown, &bytes);
        return Line::Shown(format!("==> {shown}\n{read}"));
    }
    let mut parsed = crate::parse::parse_file_bytes(&shown, &bytes);
    if !explain {
        parsed.evidence.clear();
    }
    if json {
        return Line::Shown(serde_json::to_string(&parsed).unwrap_or_default());
    }
    let mut line = format!(
        "{}: {} {} {}",
        parsed.file,
        parsed.kind.as_str(),
        parsed.order_ref.as_ref().map_or("-".to_string(), |r| r.to_string()),
        parsed.numbers.iter().map(|n| n.e164()).collect::<Vec<_>>().join(" ")
    );
    if explain {
        line.push_str(&format!("\n  {}", parsed.reading()));
        for why in &parsed.evidence {
            line.push_str(&format!("\n  because: {why}"));
        }
    }
    Line::Shown(line)
}
