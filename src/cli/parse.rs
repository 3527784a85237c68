//! `portbot parse`: what messages and bills say, one JSON line per file.

use super::Failure;
use std::io::Write;
use std::path::PathBuf;

/// `portbot parse`: one JSON line per file, in the order given. A file that cannot be
/// read as a message still gets its line; a missing file is an error (exit 1) after the
/// others are printed.
pub(super) fn parse_files(
    files: &[PathBuf],
    json: bool,
    text: bool,
    out: &mut (dyn Write + Send),
) -> Result<(), Failure> {
    let mut missing = Vec::new();
    for path in files {
        let shown = path.display().to_string();
        let parsed = match std::fs::read(path) {
            Ok(bytes) if text => {
                let read = crate::parse::text_of_file(&shown, &bytes);
                writeln!(out, "==> {shown}\n{read}").map_err(|e| Failure {
                    message: e.to_string(),
                    code: 2,
                })?;
                continue;
            }
            Ok(bytes) => crate::parse::parse_file_bytes(&shown, &bytes),
            Err(e) => {
                missing.push(format!("{shown}: {e}"));
                continue;
            }
        };
        let line = if json {
            serde_json::to_string(&parsed).unwrap_or_default()
        } else {
            format!(
                "{}: {:?} {} {}",
                parsed.file,
                parsed.kind,
                parsed.order_ref.as_deref().unwrap_or("-"),
                parsed.numbers.join(" ")
            )
        };
        writeln!(out, "{line}").map_err(|e| Failure {
            message: e.to_string(),
            code: 2,
        })?;
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Failure::input(format!("cannot read {}", missing.join("; "))))
    }
}
