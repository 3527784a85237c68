//! `portbot parse`: what messages and bills say, one JSON line per file.

use super::Failure;
use std::io::Write;
use std::path::PathBuf;

/// `portbot parse`: one JSON line per file, in the order given. A file that cannot be
/// read as a message still gets its line; a missing file is an error (exit 1) after the
/// others are printed.
/// How `portbot parse` shows each file.
#[derive(Debug, Clone, Copy)]
pub(super) struct Show {
    pub json: bool,
    /// The text read instead of the reading.
    pub text: bool,
    /// The confidence and evidence too.
    pub explain: bool,
}

pub(super) fn parse_files(files: &[PathBuf], show: Show, out: &mut (dyn Write + Send)) -> Result<(), Failure> {
    let Show { json, text, explain } = show;
    let mut missing = Vec::new();
    for path in files {
        let shown = path.display().to_string();
        let parsed = match std::fs::read(path) {
            Ok(bytes) if text => {
                let read = crate::parse::text_of_file(&shown, &bytes);
                writeln!(out, "==> {shown}\n{read}").map_err(Failure::output)?;
                continue;
            }
            Ok(bytes) => {
                let mut parsed = crate::parse::parse_file_bytes(&shown, &bytes);
                if !explain {
                    parsed.evidence.clear();
                }
                parsed
            }
            Err(e) => {
                missing.push(format!("{shown}: {e}"));
                continue;
            }
        };
        let line = if json {
            serde_json::to_string(&parsed).unwrap_or_default()
        } else {
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
            line
        };
        writeln!(out, "{line}").map_err(Failure::output)?;
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Failure::input(format!("cannot read {}", missing.join("; "))))
    }
}
