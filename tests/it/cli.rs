//! The command line as operators and scripts use it: the real binary, a config file in
//! a temp folder, JSON checked key by key.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

pub fn portbot(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_portbot"))
        .current_dir(dir)
        .env_remove("PORTBOT_CONFIG")
        .env_remove("PORTBOT_STORE_URL")
        .args(args)
        .output()
        .expect("portbot runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A folder holding the example config as `bot.toml`, as a newcomer would set it up.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/bot.toml.example"),
        dir.path().join("bot.toml"),
    )
    .unwrap();
    dir
}

#[test]
fn an_order_opened_on_the_command_line_reads_the_same_everywhere() {
    let dir = workspace();
    let open = portbot(
        dir.path(),
        &[
            "--now",
            "2026-11-23T15:00:00Z",
            "order",
            "open",
            "--customer",
            "ACME-001",
            "--carrier",
            "Comcast Business",
            "--numbers",
            "305-555-0100 thru 0103",
            "--contact",
            "ops@acme.example",
            "--json",
        ],
    );
    assert!(open.status.success(), "{}", stderr(&open));
    let order: Value = serde_json::from_str(&stdout(&open)).unwrap();
    for key in [
        "ref",
        "state",
        "customer",
        "carrier",
        "kind",
        "contacts",
        "numbers",
        "loa_signed",
        "invoice_received",
        "mismatches",
        "foc_date",
        "reject_code",
        "routing_confirmed",
        "fee_total",
        "timeline",
    ] {
        assert!(order.get(key).is_some(), "key {key} missing from {order}");
    }
    assert_eq!(order["ref"], "PORT-1001");
    assert_eq!(order["state"], "awaiting_documents");
    assert_eq!(order["kind"], "local");
    assert_eq!(order["fee_total"], 100.0);
    assert_eq!(order["numbers"].as_array().unwrap().len(), 4);
    assert_eq!(
        order["numbers"][3],
        serde_json::json!({"number": "+13055550103", "pretty": "(305) 555-0103", "type": "voice", "status": "pending", "route": null})
    );
    assert_eq!(order["timeline"][0]["at"], "2026-11-23T15:00:00Z");
    assert_eq!(order["timeline"][0]["source"], "cli");
    assert_eq!(order["timeline"][0]["event"], "opened");

    let show: Value =
        serde_json::from_str(&stdout(&portbot(dir.path(), &["order", "show", "PORT-1001", "--json"]))).unwrap();
    assert_eq!(show, order);
    let list = stdout(&portbot(dir.path(), &["order", "list", "--json"]));
    let listed: Value = serde_json::from_str(list.lines().next().unwrap()).unwrap();
    assert_eq!(listed, order);
    let chat: Value =
        serde_json::from_str(&stdout(&portbot(dir.path(), &["chat", "status PORT-1001", "--json"]))).unwrap();
    assert_eq!(chat["ok"], true);
    assert!(chat["text"].as_str().unwrap().contains("waiting for documents"));
    assert!(chat["text"].as_str().unwrap().contains("(305) 555-0103"));

    // An overlapping order is refused with the reason, on stderr, exit code 1.
    let again = portbot(
        dir.path(),
        &[
            "order",
            "open",
            "--customer",
            "ACME-001",
            "--carrier",
            "AT&T",
            "--numbers",
            "3055550103-0104",
            "--contact",
            "ops@acme.example",
        ],
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("+13055550103 is already on PORT-1001"),
        "{}",
        stderr(&again)
    );
    assert_eq!(stdout(&portbot(dir.path(), &["order", "list"])).lines().count(), 1);

    let outbox = stdout(&portbot(dir.path(), &["outbox", "--json"]));
    let post: Value = serde_json::from_str(outbox.lines().next().unwrap()).unwrap();
    for key in [
        "id",
        "channel",
        "to",
        "order_ref",
        "template",
        "subject",
        "status",
        "created_at",
    ] {
        assert!(post.get(key).is_some(), "key {key} missing from {post}");
    }
    assert_eq!(
        (
            post["channel"].as_str(),
            post["template"].as_str(),
            post["status"].as_str()
        ),
        (Some("chat"), Some("chat/new_order"), Some("pending"))
    );
}

#[test]
fn the_chat_command_changes_orders_as_the_named_user() {
    let dir = workspace();
    let open = [
        "order",
        "open",
        "--customer",
        "ACME-001",
        "--carrier",
        "Verizon",
        "--numbers",
        "(954) 555-0200",
        "--contact",
        "ops@acme.example",
    ];
    assert!(portbot(dir.path(), &open).status.success());
    let note = portbot(dir.path(), &["chat", "note PORT-1001 called Maria", "--as", "lee"]);
    assert!(note.status.success(), "{}", stderr(&note));
    let show: Value =
        serde_json::from_str(&stdout(&portbot(dir.path(), &["order", "show", "PORT-1001", "--json"]))).unwrap();
    assert_eq!(show["timeline"][1]["source"], "chat:lee");
    assert_eq!(show["timeline"][1]["text"], "called Maria");
    let bad = portbot(dir.path(), &["chat", "foc PORT-1001 2026-12-03"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("setting an FOC date is not possible now"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn bad_input_and_a_bad_config_say_what_is_wrong() {
    let dir = workspace();
    let cases: [(&[&str], &str); 5] = [
        (
            &["order", "show", "1042"],
            "'1042' is not an order reference: write it as PORT-1042",
        ),
        (
            &[
                "order",
                "open",
                "--customer",
                "A",
                "--carrier",
                "B",
                "--numbers",
                "305-555-01",
                "--contact",
                "a@b.example",
            ],
            "has 8 digits",
        ),
        (
            &[
                "order",
                "open",
                "--customer",
                "A",
                "--carrier",
                "B",
                "--numbers",
                "305-555-0100",
                "--contact",
                "nobody",
            ],
            "'nobody' is not an e-mail address",
        ),
        (
            &["order", "list", "--state", "lost"],
            "[possible values: awaiting_documents",
        ),
        (&["--now", "yesterday", "order", "list"], "not an RFC 3339 time"),
    ];
    for (args, expected) in cases {
        let out = portbot(dir.path(), args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stderr(&out).contains(expected), "{args:?}: {}", stderr(&out));
    }
    std::fs::write(
        dir.path().join("broken.toml"),
        "[store]\nurl = \"sqlite://x.db\"\n[desk]\ntime_zone = \"Mars/Base\"\n",
    )
    .unwrap();
    let out = portbot(dir.path(), &["--config", "broken.toml", "order", "list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("desk.time_zone 'Mars/Base'"), "{}", stderr(&out));
    let out = portbot(dir.path(), &["--config", "missing.toml", "order", "list"]);
    assert!(
        stderr(&out).contains("no config file at missing.toml"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_database_that_cannot_be_reached_exits_with_code_2() {
    let dir = workspace();
    std::fs::write(
        dir.path().join("pg.toml"),
        "[store]\nurl = \"postgres://postgres@127.0.0.1:1/none\"\n",
    )
    .unwrap();
    let out = portbot(dir.path(), &["--config", "pg.toml", "order", "list"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("the database failed"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("PostgreSQL at 127.0.0.1:1 (database none) cannot be reached"),
        "the server is named: {}",
        stderr(&out)
    );
}

#[test]
fn a_mistake_on_the_command_line_is_bad_input_and_exits_1() {
    let dir = workspace();
    for args in [
        vec!["odrer", "list"],
        vec!["--now", "yesterday", "order", "list"],
        vec!["order", "open", "--customer", "ACME-001"],
        vec!["order", "list", "--state", "lost"],
    ] {
        let out = portbot(dir.path(), &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).is_empty());
    }
    let help = portbot(dir.path(), &["order", "list", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(
        stdout(&help).contains("foc_confirmed"),
        "the states are listed: {}",
        stdout(&help)
    );
}

#[test]
fn output_cut_short_by_its_reader_is_no_error() {
    use std::io::{BufRead, BufReader};
    let samples = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/parse_cases/mail");
    let files: Vec<String> = std::fs::read_dir(samples)
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .filter(|p| p.ends_with(".eml"))
        .collect();
    // `portbot parse ... | head -1`: the reader goes away after one line.
    let mut child = Command::new(env!("CARGO_BIN_EXE_portbot"))
        .arg("parse")
        .args(std::iter::repeat_n(files.iter(), 20).flatten())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(!first.is_empty());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}: {}", out.status, stderr(&out));
    assert!(!stderr(&out).contains("Broken pipe"), "{}", stderr(&out));
}

#[test]
fn migrate_reports_what_it_applied() {
    let dir = workspace();
    let first: Value = serde_json::from_str(&stdout(&portbot(dir.path(), &["migrate", "--json"]))).unwrap();
    assert_eq!(
        first["applied"],
        serde_json::json!([
            "1 port desk",
            "2 inbox",
            "3 outbox",
            "4 customers",
            "5 hot lookups",
            "6 receipts",
            "7 attention",
            "8 tallies",
            "9 carrier history",
            "10 supplements",
            "11 held requests",
            "12 web board",
            "13 daily limit index",
            "16 orders by state age",
            "18 order attention"
        ])
    );
    assert!(dir.path().join("data/portbot.db").exists());
    let second: Value = serde_json::from_str(&stdout(&portbot(dir.path(), &["migrate", "--json"]))).unwrap();
    assert_eq!(second["applied"], serde_json::json!([]));
}

#[test]
fn ingest_feeds_files_through_the_desk_once_and_names_what_it_could_not_read() {
    let dir = workspace();
    let opened = portbot(
        dir.path(),
        &[
            "order",
            "open",
            "--customer",
            "ACME-001",
            "--carrier",
            "AT&T",
            "--numbers",
            "305-555-0100",
            "--contact",
            "ops@acme.example",
            "--json",
        ],
    );
    assert!(opened.status.success(), "{}", stderr(&opened));
    let signed = "From: DocuSign <dse@na3.docusign.net>\nTo: porting@voip.example\nMessage-ID: <env-7@docusign.net>\n\
                  Subject: Completed: LOA for PORT-1001\n\nAll parties have completed the envelope LOA PORT-1001.\n";
    std::fs::write(dir.path().join("signed.eml"), signed).unwrap();
    let first = portbot(dir.path(), &["ingest", "signed.eml", "--json"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let line: Value = serde_json::from_str(stdout(&first).trim()).unwrap();
    assert_eq!(line["outcome"], "applied");
    assert_eq!(line["ref"], "PORT-1001");
    assert_eq!(line["event"], "loa_signed");
    // A bill by e-mail: its file is kept with the order.
    let bill = crate::letters::bill_from_customer("PORT-1001", "100 Main St, Miami, FL 33130");
    std::fs::write(dir.path().join("bill.eml"), bill).unwrap();
    let took = portbot(dir.path(), &["ingest", "bill.eml", "--json"]);
    assert!(stdout(&took).contains("bill_received"), "{}", stdout(&took));
    let shown: Value =
        serde_json::from_str(stdout(&portbot(dir.path(), &["order", "show", "PORT-1001", "--json"])).trim()).unwrap();
    assert_eq!(shown["documents"][0]["name"], "bill.txt", "{shown}");
    let again = portbot(dir.path(), &["ingest", "signed.eml", "missing.eml", "--json"]);
    assert_eq!(again.status.code(), Some(1));
    let line: Value = serde_json::from_str(stdout(&again).trim()).unwrap();
    assert_eq!(line["outcome"], "already_seen");
    assert!(
        stderr(&again).contains("missing.eml could not be read"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn tick_runs_the_reminders_due_at_now_once() {
    let dir = workspace();
    let open = [
        "--now",
        "2026-11-23T15:00:00Z",
        "order",
        "open",
        "--customer",
        "ACME-001",
        "--carrier",
        "AT&T",
        "--numbers",
        "305-555-0100",
        "--contact",
        "ops@acme.example",
    ];
    assert!(portbot(dir.path(), &open).status.success());
    let tick = |at: &str| -> Value {
        let out = portbot(dir.path(), &["--now", at, "tick", "--json"]);
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_str(stdout(&out).trim()).unwrap()
    };
    assert_eq!(
        tick("2026-11-24T12:00:00Z")["customer_reminders"],
        0,
        "07:00 in New York: before the window"
    );
    assert_eq!(tick("2026-11-24T15:00:00Z")["customer_reminders"], 2);
    let again = tick("2026-11-24T15:00:00Z");
    assert_eq!(
        (again["customer_reminders"].as_i64(), again["orders_checked"].as_i64()),
        (Some(0), Some(0)),
        "nothing more is due on the order until Friday"
    );
}

#[test]
fn customers_are_added_given_contacts_and_onboarded_from_the_command_line() {
    let dir = workspace();
    let run = |args: &[&str]| {
        let out = portbot(dir.path(), args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        stdout(&out)
    };
    run(&[
        "customer",
        "add",
        "acme-001",
        "--company",
        "Acme Dental Group",
        "--time-zone",
        "America/Chicago",
    ]);
    let refused = portbot(dir.path(), &["customer", "onboard", "ACME-001"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("no contact yet"), "{}", stderr(&refused));
    run(&[
        "customer",
        "contact",
        "ACME-001",
        "maria@acme.example",
        "--name",
        "Maria",
        "--language",
        "es",
    ]);
    run(&["customer", "onboard", "ACME-001"]);
    let shown: Value = serde_json::from_str(run(&["customer", "show", "ACME-001", "--json"]).trim()).unwrap();
    assert_eq!(shown["onboarded"], true);
    assert_eq!(shown["time_zone"], "America/Chicago");
    assert_eq!(shown["contacts"][0]["language"], "es");
    run(&["customer", "contact", "ACME-001", "ap@acme.example"]);
    let removed = run(&["customer", "remove-contact", "ACME-001", "maria@acme.example"]);
    assert!(removed.contains("contacts: ap@acme.example [en]"), "{removed}");
    let last = portbot(
        dir.path(),
        &["customer", "remove-contact", "ACME-001", "ap@acme.example"],
    );
    assert_eq!(last.status.code(), Some(1));
    assert!(stderr(&last).contains("only contact"), "{}", stderr(&last));
    let again = portbot(dir.path(), &["customer", "add", "ACME-001", "--company", "Other"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already exists"));
}

#[test]
fn the_example_story_moves_an_order_from_opened_to_completed() {
    // What the README tells a newcomer to run: the example config, then the story.
    let dir = workspace();
    let out = Command::new("bash")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/story.sh"))
        .current_dir(dir.path())
        .env("PORTBOT", env!("CARGO_BIN_EXE_portbot"))
        .env_remove("PORTBOT_CONFIG")
        .env_remove("PORTBOT_STORE_URL")
        .output()
        .unwrap();
    let shown = stdout(&out);
    assert!(out.status.success(), "{shown}\n{}", stderr(&out));
    for step in [
        "bill_received on PORT-1001",
        "loa_signed on PORT-1001",
        "submitted to Comcast Business",
        "foc_confirmed on PORT-1001",
        "all 3 numbers routed to ext 201",
        "completed on PORT-1001",
        "PORT-1001 · completed",
        "(305) 555-0102 voice, ported → ext 201",
    ] {
        assert!(shown.contains(step), "missing {step:?} in:\n{shown}");
    }
    assert!(!shown.contains("**"), "the terminal shows no markdown:\n{shown}");
    // The customer's e-mails of the story wait in the outbox (`portbot run` sends them).
    let outbox = stdout(&portbot(dir.path(), &["outbox", "--all"]));
    for mail in ["foc_confirmed", "port_completed"] {
        assert!(outbox.contains(mail), "{mail} not in {outbox}");
    }
}

#[test]
fn logs_carry_no_colour_when_piped_and_run_says_how_it_stops() {
    let dir = workspace();
    let out = Command::new(env!("CARGO_BIN_EXE_portbot"))
        .current_dir(dir.path())
        .env("PORTBOT_LOG", "info")
        .env_remove("PORTBOT_CONFIG")
        .env_remove("PORTBOT_STORE_URL")
        .args(["order", "list"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).is_empty(), "info logs were written");
    assert!(!stderr(&out).contains('\u{1b}'), "no colour codes: {}", stderr(&out));
    let help = stdout(&portbot(dir.path(), &["run", "--help"]));
    assert!(help.contains("Ctrl-C") && help.contains("--now"), "{help}");
}
