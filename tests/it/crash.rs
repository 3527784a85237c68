//! The bot killed with SIGKILL at random moments while it drains a mailbox of 2,000
//! messages over IMAP, then restarted: every message is applied exactly once.

use crate::mailstack::{self, append, imap_toml, new_address, search};
use crate::story::acme_request;
use portbot::app::App;
use portbot::clock::SystemClock;
use portbot::config::Settings;
use portbot::domain::{OrderRef, Source};
use portbot::inbox::imap::TAKEN_KEYWORD;
use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const MESSAGES: usize = 2000;
const ORDERS: usize = 10;
const KILLS: usize = 20;

fn token(i: usize) -> String {
    format!("msg-{i:04}-end")
}

/// Half the messages are contacts asking about their orders (timeline entries), half
/// come from strangers about nothing we know (staff queue).
fn message(i: usize, orders: &[OrderRef]) -> String {
    if i.is_multiple_of(2) {
        let order = &orders[i % ORDERS];
        crate::letters::mail(
            "Maria Lopez <ops@acme.example>",
            &format!("Where is my port? {order}"),
            &format!("Hi, any update on the port? Our ticket {}", token(i)),
        )
    } else {
        crate::letters::mail(
            "Bob <bob@nowhere.example>",
            &format!("Question {}", token(i)),
            "Do you sell toner?",
        )
    }
}

/// Small, seeded, good enough to scatter kills.
struct Lcg(u64);

impl Lcg {
    fn between(&mut self, low: u64, high: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        low + (self.0 >> 33) % (high - low)
    }
}

fn start_bot(dir: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_portbot"))
        .args(["--config", "bot.toml", "run"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("portbot starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bot_killed_twenty_times_while_draining_two_thousand_messages_applies_each_once() {
    mailstack::ensure_running();
    let dir = tempfile::tempdir().unwrap();
    let address = new_address("crash");
    let toml = format!(
        "[store]\nurl = \"sqlite://{}/portbot.db\"\n{}",
        dir.path().display(),
        imap_toml(&address, "batch = 50\n")
    );
    std::fs::write(dir.path().join("bot.toml"), &toml).unwrap();
    let settings = Settings::from_toml(&toml, std::iter::empty(), "bot.toml").unwrap();
    let app = App::start(settings, Arc::new(SystemClock)).await.unwrap();
    let mut orders = Vec::new();
    for i in 0..ORDERS {
        let request = acme_request(&format!("305-555-07{i:02}"));
        orders.push(app.desk.open_order(request, Source::Cli).await.unwrap().reference);
    }
    let messages: Vec<String> = (0..MESSAGES).map(|i| message(i, &orders)).collect();
    append(&address, &messages).await;

    let mut random = Lcg(u64::from(std::process::id()));
    let mut kills_mid_drain = 0;
    let mut progress = Vec::new();
    for _ in 0..KILLS * 3 {
        let mut bot = start_bot(dir.path());
        tokio::time::sleep(Duration::from_millis(random.between(30, 300))).await;
        bot.kill().unwrap(); // SIGKILL
        bot.wait().unwrap();
        let done = app.store.inbound_count().await.unwrap() as usize;
        progress.push(done);
        if done < MESSAGES {
            kills_mid_drain += 1;
        }
        if kills_mid_drain >= KILLS || done == MESSAGES {
            break;
        }
    }
    eprintln!("messages recorded after each SIGKILL: {progress:?}");
    assert!(
        kills_mid_drain >= KILLS,
        "only {kills_mid_drain} kills landed mid-drain: {progress:?}"
    );

    // Restarted for good: it finishes the mailbox.
    let mut bot = start_bot(dir.path());
    let started = Instant::now();
    while (app.store.inbound_count().await.unwrap() as usize) < MESSAGES {
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "the restarted bot did not finish"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let term = Command::new("kill")
        .args(["-TERM", &bot.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    assert!(bot.wait().unwrap().success(), "a SIGTERM stops the bot cleanly");

    // The timeline proves it: each contact's message once on its order...
    let timelines = app.store.timelines(&orders).await.unwrap();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for entry in timelines.values().flatten().filter(|e| e.event == "status_question") {
        let at = entry.text.find("msg-").expect("the token is on the timeline");
        *seen.entry(entry.text[at..at + 12].to_string()).or_default() += 1;
    }
    let expected: Vec<String> = (0..MESSAGES).step_by(2).map(token).collect();
    for t in &expected {
        assert_eq!(seen.get(t), Some(&1), "{t} on the timelines {:?} times", seen.get(t));
    }
    assert_eq!(seen.len(), expected.len());
    // ...each stranger's message once in the staff queue...
    let queue = app.store.staff_queue(true, 10_000).await.unwrap();
    let mut subjects: Vec<&str> = queue.iter().map(|i| i.subject.as_str()).collect();
    subjects.sort_unstable();
    subjects.dedup();
    // Every stranger's message, and for each of the five orders Maria asks about, her
    // first question past the daily e-mail limit (one a day an order reaches a person).
    let expected_queue = MESSAGES / 2 + ORDERS / 2;
    assert_eq!((queue.len(), subjects.len()), (expected_queue, expected_queue));
    // ...and every message flagged as taken, none lost from the mailbox.
    assert_eq!(search(&address, "INBOX", "ALL").await.len(), MESSAGES);
    let unflagged = search(&address, "INBOX", &format!("UNKEYWORD {TAKEN_KEYWORD}")).await;
    assert!(unflagged.is_empty(), "{} taken but not flagged", unflagged.len());
}
