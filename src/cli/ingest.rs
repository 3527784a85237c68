//! `portbot ingest FILE...`: each file goes through the desk exactly as a message from
//! the inbox would; one line per file says what it did.

use super::Failure;
use crate::app::App;
use crate::desk::Taken;
use crate::inbox::folder::take_file;
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

pub async fn ingest_files(
    app: &App,
    files: &[PathBuf],
    json: bool,
    out: &mut (dyn Write + Send),
) -> Result<(), Failure> {
    let mut failures: Vec<String> = Vec::new();
    let mut code = 1;
    for path in files {
        let file = path.display().to_string();
        let line = match take_file(&app.desk, path).await {
            Ok(taken) => {
                if json {
                    line_json(&file, &taken).to_string()
                } else {
                    format!("{file}: {}", taken.describe())
                }
            }
            Err(e) => {
                let failure = Failure::from(e);
                failures.push(failure.message);
                if failure.code == 2 {
                    // The database is down: the rest would fail the same way.
                    code = 2;
                    break;
                }
                continue;
            }
        };
        writeln!(out, "{line}").map_err(Failure::output)?;
    }
    if failures.is_empty() {
        return Ok(());
    }
    Err(Failure {
        message: failures.join("; "),
        code,
    })
}

fn line_json(file: &str, taken: &Taken) -> serde_json::Value {
    match taken {
        Taken::Applied { order, event } => {
            json!({"file": file, "outcome": "applied", "ref": order.to_string(), "event": event})
        }
        Taken::HandedToStaff { order, reason } => json!({
            "file": file, "outcome": "handed_to_staff", "ref": order.as_ref().map(|o| o.to_string()), "reason": reason
        }),
        Taken::AlreadySeen => json!({"file": file, "outcome": "already_seen"}),
    }
}
