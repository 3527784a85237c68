//! A notice the parser is not sure of changes nothing: it reaches staff with its
//! reading, through `portbot ingest` as through the inbox, on both backends.

use crate::cli::{portbot, stdout};
use crate::harness::{pg_admin_url, run_admin, Backend};
use serde_json::Value;
use std::path::Path;

/// A desk folder whose `bot.toml` uses the backend's store and trusts the carrier.
async fn desk_on(backend: Backend, dir: &Path) -> Option<String> {
    let (url, database) = match backend {
        Backend::Sqlite => (format!("sqlite://{}", dir.join("portbot.db").display()), None),
        Backend::Postgres => {
            let name = format!("portbot_unsure_{}", std::process::id());
            run_admin(&format!("DROP DATABASE IF EXISTS {name}")).await;
            run_admin(&format!("CREATE DATABASE {name}")).await;
            let admin = pg_admin_url();
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin).to_string();
            (format!("{base}/{name}"), Some(name))
        }
    };
    let toml = format!(
        "[store]\nurl = \"{url}\"\n[inbox]\naddress = \"porting@voip.example\"\ntrusted_domains = [\"lineport.example\"]\n\
         [outbox]\nfolder = \"{}\"\n",
        dir.join("outbox").display()
    );
    std::fs::write(dir.join("bot.toml"), toml).unwrap();
    database
}

/// The carrier confirms two numbers and rejects the third in one message: a partial
/// rejection beside an FOC, which the desk must not guess at.
const MIXED_NOTICE: &str = "From: LinePort Notifications <notices@lineport.example>\n\
To: porting@voip.example\nMessage-ID: <mixed-1@lineport.example>\nDate: Mon, 23 Nov 2026 10:00:00 -0500\n\
Subject: Update on PORT-1001\n\n\
FOC confirmed for 305-555-0100 and 305-555-0101 for 12/08/2026.\n\
REJECTED: 305-555-0102 - rate center not portable.\n";

/// The same carrier, saying one thing plainly.
const PLAIN_FOC: &str = "From: LinePort Notifications <notices@lineport.example>\n\
To: porting@voip.example\nMessage-ID: <foc-1@lineport.example>\nDate: Mon, 23 Nov 2026 10:00:00 -0500\n\
Subject: FOC: PORT-1001\n\n\
The losing carrier confirmed PORT-1001 for 12/08/2026. FOC date: 12/08/2026.\n";

async fn an_unsure_reading_reaches_staff_with_the_reading(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let database = desk_on(backend, dir.path()).await;
    let open = portbot(
        dir.path(),
        &[
            "order",
            "open",
            "--customer",
            "ACME-001",
            "--carrier",
            "AT&T",
            "--numbers",
            "305-555-0100 thru 0102",
            "--contact",
            "ops@acme.example",
            "--json",
        ],
    );
    assert!(open.status.success(), "{}", String::from_utf8_lossy(&open.stderr));
    let before: Value =
        serde_json::from_str(stdout(&portbot(dir.path(), &["order", "show", "PORT-1001", "--json"])).trim()).unwrap();

    // What the parser says of it, and how sure it is.
    std::fs::write(dir.path().join("mixed.eml"), MIXED_NOTICE).unwrap();
    let explained = stdout(&portbot(dir.path(), &["parse", "mixed.eml", "--explain"]));
    assert!(explained.contains("looks like a rejection"), "{explained}");
    assert!(
        explained.contains("because: FOC"),
        "the competing evidence is shown: {explained}"
    );

    let taken = portbot(dir.path(), &["ingest", "mixed.eml", "--json"]);
    assert!(taken.status.success(), "{}", String::from_utf8_lossy(&taken.stderr));
    let line: Value = serde_json::from_str(stdout(&taken).trim()).unwrap();
    assert_eq!(line["outcome"], "handed_to_staff", "{line}");
    let reason = line["reason"].as_str().unwrap();
    assert!(
        reason.contains("not sure") && reason.contains("looks like a rejection"),
        "{reason}"
    );

    let after: Value =
        serde_json::from_str(stdout(&portbot(dir.path(), &["order", "show", "PORT-1001", "--json"])).trim()).unwrap();
    assert_eq!(after["state"], before["state"], "nothing changed on the order");
    assert_eq!(after["version"], before["version"]);
    let inbox = stdout(&portbot(dir.path(), &["chat", "inbox", "--as", "dana"]));
    assert!(
        inbox.contains("looks like a rejection"),
        "staff see the reading: {inbox}"
    );

    // The same carrier saying one thing plainly is believed: it goes on to the
    // order's own rules (here: not submitted yet), not to a person for its reading.
    std::fs::write(dir.path().join("foc.eml"), PLAIN_FOC).unwrap();
    let line: Value =
        serde_json::from_str(stdout(&portbot(dir.path(), &["ingest", "foc.eml", "--json"])).trim()).unwrap();
    let reason = line["reason"].as_str().unwrap_or("");
    assert!(!reason.contains("not sure"), "{line}");
    assert!(reason.contains("does not fit the order"), "{line}");
    if let Some(name) = database {
        run_admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
    }
}

on_both_backends!(an_unsure_reading_reaches_staff_with_the_reading);
