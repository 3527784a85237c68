//! `portbot parse`: what messages and bills say, one JSON line per file.

use super::Failure;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// How `portbot parse` shows each file.
#[derive(Debug, Clone, Copy)]
pub(super) struct Show {
    pub json: bool,
    /// The text read instead of the reading.
    pub text: bool,
    /// The confidence and evidence too.
    pub explain: bool,
}

/// From this many files on, `parse` sets its patterns up for reading many (see
/// `parse_files`). Eight sample bills took 9.8 ms set up for few and 17 to 21 ms set up
/// for many; a thousand messages, 12 % less set up for many.
const MANY_FILES: usize = 32;

/// `portbot parse`: one line per file, in the order given. A file that cannot be read as
/// a message still gets its line; a missing file is an error (exit 1) after the others
/// are printed. Files are read on every core, and each line is printed as soon as the
/// ones before it are, by the worker that finished the last of them (no thread waits to
/// print, so a thousand small files do not cost a thousand wake-ups).
pub(super) fn parse_files(files: &[PathBuf], show: Show, out: &mut (dyn Write + Send)) -> Result<(), Failure> {
    // Few files need few patterns: each is compiled as first used, its phrases split off
    // only after much text. Many need most: a second reader compiles them all first.
    let many = files.len() >= MANY_FILES;
    if !many {
        crate::parse::pattern::reading_few_messages();
    }
    // One file is read on this thread, without asking how many cores there are (which
    // reads the process's cgroup files).
    let workers = match files.len() {
        0 | 1 => 1,
        n => std::thread::available_parallelism()
            .map_or(1, |cores| cores.get())
            .min(n),
    };
    let next = AtomicUsize::new(0);
    let printer = Mutex::new(Printer {
        out,
        waiting: BTreeMap::new(),
        due: 0,
        missing: Vec::new(),
        failed: None,
    });
    std::thread::scope(|scope| {
        for _ in 1..workers {
            scope.spawn(|| {
                if many {
                    crate::parse::compile_patterns(|| next.load(Ordering::Relaxed) < files.len());
                }
                work(files, show, &next, &printer)
            });
        }
        work(files, show, &next, &printer);
    });
    let printer = printer.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(failed) = printer.failed {
        return Err(failed);
    }
    if printer.missing.is_empty() {
        Ok(())
    } else {
        Err(Failure::input(format!("cannot read {}", printer.missing.join("; "))))
    }
}

/// One worker: takes the next file until there are none, or the output has gone away
/// (a closed pipe), and hands each line to the printer.
fn work(files: &[PathBuf], show: Show, next: &AtomicUsize, printer: &Mutex<Printer<'_>>) {
    loop {
        let at = next.fetch_add(1, Ordering::Relaxed);
        let Some(path) = files.get(at) else { break };
        let line = line_for(path, show);
        let mut printer = printer.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if !printer.take(at, line) {
            break;
        }
    }
}

/// What `portbot parse` says of one file.
enum Line {
    Shown(String),
    Missing(String),
}

/// The lines read so far: each printed once every line before it is.
struct Printer<'o> {
    out: &'o mut (dyn Write + Send),
    /// Lines read before one of those ahead of them.
    waiting: BTreeMap<usize, Line>,
    /// The next line to print.
    due: usize,
    missing: Vec<String>,
    /// The output failed: nothing more is read.
    failed: Option<Failure>,
}

impl Printer<'_> {
    /// Takes line `at` and prints what is now in order; false once the output failed.
    fn take(&mut self, at: usize, line: Line) -> bool {
        if self.failed.is_some() {
            return false;
        }
        self.waiting.insert(at, line);
        while let Some(line) = self.waiting.remove(&self.due) {
            self.due += 1;
            match line {
                Line::Shown(text) => {
                    if let Err(e) = writeln!(self.out, "{text}") {
                        self.failed = Some(Failure::output(e));
                        return false;
                    }
                }
                Line::Missing(why) => self.missing.push(why),
            }
        }
        true
    }
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
