//! Two `portbot run` replicas on one PostgreSQL database, both watching the same inbox
//! and ticking every second, while contacts keep asking about their ports: every e-mail
//! (reminders and answers) is sent exactly once. The run lasts 60 s by default;
//! `PORTBOT_REPLICA_SECONDS=600` gives the ten minutes.

use crate::harness::{pg_admin_url, run_admin};
use crate::letters::mail;
use crate::mailstack::{self, message_ids, new_address, send};
use crate::story::acme_request;
use portbot::app::App;
use portbot::clock::FixedClock;
use portbot::config::Settings;
use portbot::domain::{Channel, EmailAddress, OutboxStatus, Source};
use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const ORDERS: usize = 10;

fn replica(dir: &std::path::Path, name: &str) -> Child {
    let log = std::fs::File::create(dir.join(format!("{name}.log"))).unwrap();
    Command::new(env!("CARGO_BIN_EXE_portbot"))
        // Tuesday 24 November 2026, 10:00 in New York, and running from there.
        .args(["--config", "bot.toml", "--now", "2026-11-24T15:00:00Z", "run"])
        .current_dir(dir)
        .env("PORTBOT_LOG", "info")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("portbot starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_one_postgres_send_every_email_exactly_once() {
    mailstack::ensure_running();
    let seconds: u64 = std::env::var("PORTBOT_REPLICA_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let database = format!("portbot_replicas_{}", std::process::id());
    run_admin(&format!("DROP DATABASE IF EXISTS {database}")).await;
    run_admin(&format!("CREATE DATABASE {database}")).await;
    let admin = pg_admin_url();
    let url = format!("{}/{database}", admin.rsplit_once('/').unwrap().0);
    let inbox = new_address("porting");
    let toml = format!(
        "[store]\nurl = \"{url}\"\n[inbox]\nsource = \"imap\"\naddress = \"{inbox}\"\ntrusted_domains = [\"portflow.example\"]\n{auth}\
         [imap]\nhost = \"127.0.0.1\"\nport = 1143\nsecurity = \"plain\"\nuser = \"{inbox}\"\npassword = \"secret\"\n\
         [outbox]\nmode = \"smtp\"\npoll_ms = 200\ndaily_limit_per_address = 100000\nsigning_key = \"replica-test-key-0123456789\"\n\
         [smtp]\nhost = \"127.0.0.1\"\nport = 2525\nsecurity = \"plain\"\n\
         [reminders]\nschedule = \"* * * * * *\"\n",
        auth = crate::mailstack::AUTH_TOML,
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bot.toml"), &toml).unwrap();

    // Ten orders opened on Monday 23 November at 10:00 in New York: on Tuesday each owes
    // its contact an LOA reminder and a bill reminder.
    let settings = Settings::from_toml(&toml, std::iter::empty(), "bot.toml").unwrap();
    let clock = Arc::new(FixedClock::new("2026-11-23T15:00:00Z".parse().unwrap()));
    let app = App::start(settings, clock).await.unwrap();
    let mut contacts = Vec::new();
    for i in 0..ORDERS {
        let contact = new_address("customer");
        let mut request = acme_request(&format!("305-555-08{i:02}"));
        request.contacts = vec![contact.parse::<EmailAddress>().unwrap()];
        let order = app.desk.open_order(request, Source::Cli).await.unwrap();
        contacts.push((contact, order.reference));
    }

    let mut replicas = [replica(dir.path(), "a"), replica(dir.path(), "b")];
    let started = Instant::now();
    let mut questions = 0;
    while started.elapsed() < Duration::from_secs(seconds) {
        let (contact, reference) = &contacts[questions % ORDERS];
        let question = mail(
            &format!("Customer <{contact}>"),
            &format!("Where is my port? {reference} #{questions}"),
            "Any news?",
        );
        send(&inbox, &question).await;
        questions += 1;
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    // Let the replicas finish what is due, then stop them as an operator would.
    let settle = Instant::now();
    loop {
        let outbox = app.desk.outbox(true).await.unwrap();
        let replies = outbox.iter().filter(|m| m.template == "status_reply").count();
        let pending = outbox
            .iter()
            .filter(|m| m.channel == Channel::Email && m.status == OutboxStatus::Pending)
            .count();
        if replies == questions && pending == 0 {
            break;
        }
        assert!(
            settle.elapsed() < Duration::from_secs(60),
            "{replies} of {questions} answered, {pending} pending"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for r in &mut replicas {
        Command::new("kill")
            .args(["-TERM", &r.id().to_string()])
            .status()
            .unwrap();
    }
    for r in &mut replicas {
        assert!(
            r.wait().unwrap().success(),
            "a replica did not stop cleanly: see {}",
            dir.path().display()
        );
    }

    let emails: Vec<_> = app
        .desk
        .outbox(true)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.channel == Channel::Email)
        .collect();
    assert!(
        emails.iter().all(|m| m.status == OutboxStatus::Sent),
        "every e-mail sent"
    );
    let reminders = emails.iter().filter(|m| m.template.ends_with("_reminder")).count();
    assert_eq!(
        reminders,
        2 * ORDERS,
        "each reminder once, though both replicas tick every second"
    );
    assert_eq!(
        emails.iter().filter(|m| m.template == "status_reply").count(),
        questions,
        "each question answered once"
    );
    // What arrived: every Message-ID once, as many messages as e-mails sent.
    let mut delivered: HashMap<String, usize> = HashMap::new();
    let deadline = Instant::now();
    loop {
        delivered.clear();
        for (contact, _) in &contacts {
            for id in message_ids(contact).await {
                *delivered.entry(id).or_default() += 1;
            }
        }
        if delivered.values().sum::<usize>() >= emails.len() || deadline.elapsed() > Duration::from_secs(20) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(delivered.values().all(|n| *n == 1), "a message arrived twice");
    assert_eq!(delivered.values().sum::<usize>(), emails.len());
    eprintln!(
        "two replicas, {seconds} s: {questions} questions answered, {reminders} reminders, {} e-mails, each delivered once",
        emails.len()
    );
    drop(app);
    run_admin(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)")).await;
}
