//! A backlog of 10,000 messages drained from Dovecot into SQLite by the IMAP watcher:
//! fetched in batches, parsed, matched, decided and recorded one transaction each.
//! Needs the mail stack (`scripts/mailstack start`; started here if it is not up).
//!
//!     cargo bench --bench inbox_drain
//!
//! Prints the drain rate; the target is 1,000 messages a second or better (#18).
//! `PORTBOT_BENCH_STATEMENTS=1` also counts the statements a message takes (slower).

use futures::TryStreamExt;
use portbot::app::App;
use portbot::clock::SystemClock;
use portbot::config::{InboxSource, Settings};
use portbot::domain::{AccountDetails, NumberType, OrderRef, PortRequest, Source};
use portbot::inbox::imap::{connect, ImapWatcher};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

#[path = "support/cpu.rs"]
#[allow(dead_code)]
mod cpu;

const BACKLOG: usize = 10_000;
const ORDERS: usize = 100;

fn request(i: usize) -> PortRequest {
    PortRequest {
        customer: format!("CUST-{i:03}"),
        carrier: "Comcast Business".into(),
        numbers: portbot::domain::parse_number_list(&format!("305-555-{:04}", 1000 + i)).unwrap(),
        number_type: NumberType::Voice,
        kind: None,
        contacts: vec![format!("ops{i}@customer.example").parse().unwrap()],
        account: AccountDetails::default(),
        pin: None,
        authorized_name: None,
        contract_end: None,
        time_zone: chrono_tz::America::New_York,
    }
}

/// A mix like a porting inbox's: questions and replies from contacts, carrier notices
/// that do not fit the state, auto-replies, and mail from strangers.
fn message(i: usize, orders: &[OrderRef]) -> String {
    let o = i % ORDERS;
    let r = &orders[o];
    let (from, subject, body) = match i % 5 {
        0 => (
            format!("ops{o}@customer.example"),
            format!("Where is my port? {r}"),
            "Any update on our port?".to_string(),
        ),
        1 => (
            format!("ops{o}@customer.example"),
            format!("Re: [{r}] your port"),
            "Thanks, we will send the bill tomorrow.\n\nOn Mon, Nov 23, 2026, Porting wrote:\n> Please send your bill."
                .to_string(),
        ),
        2 => (
            "notify@portflow.example".to_string(),
            format!("FOC confirmed - PON {r}"),
            format!("PON: {r}\nFOC date: 2026-12-08\n"),
        ),
        3 => (
            format!("ops{o}@customer.example"),
            format!("Out of office: {r}"),
            "I am out of the office until Monday.".to_string(),
        ),
        _ => (
            "someone@else.example".to_string(),
            format!("Hello {i}"),
            "Do you sell toner?".to_string(),
        ),
    };
    let auto = if i % 5 == 3 {
        "Auto-Submitted: auto-replied\r\n"
    } else {
        ""
    };
    format!(
        "From: {from}\r\nTo: porting@voip.example\r\nSubject: {subject}\r\nMessage-ID: <bench{i}.{}@bench.example>\r\n\
         Date: Mon, 23 Nov 2026 10:00:00 -0500\r\n{auto}MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n{}\r\n",
        std::process::id(),
        body.replace('\n', "\r\n")
    )
}

fn ensure_mailstack() {
    // The mail servers, and the DNS server sender authentication asks.
    for (port, script) in [(1143, "mailstack"), (5300, "dns")] {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            continue;
        }
        let script = format!("{}/scripts/{script}", env!("CARGO_MANIFEST_DIR"));
        let status = std::process::Command::new(&script)
            .arg("start")
            .status()
            .expect("the script runs");
        assert!(status.success(), "{script} did not start");
    }
}

/// With `PORTBOT_BENCH_STATEMENTS=1`, counts the statements sent to SQLite (sqlx logs
/// each one; BEGIN and COMMIT are not logged). Off by default: the logging costs time.
fn count_statements() -> Option<Arc<std::sync::atomic::AtomicUsize>> {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::Layer;
    struct Counter(Arc<std::sync::atomic::AtomicUsize>);
    impl<S: tracing::Subscriber> Layer<S> for Counter {
        fn on_event(&self, _: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
            self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
    std::env::var_os("PORTBOT_BENCH_STATEMENTS")?;
    let counted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let only_statements = tracing_subscriber::filter::Targets::new().with_target("sqlx::query", tracing::Level::DEBUG);
    let subscriber = tracing_subscriber::registry().with(Counter(counted.clone()).with_filter(only_statements));
    tracing::subscriber::set_global_default(subscriber).expect("no other subscriber in the bench");
    Some(counted)
}

fn main() {
    ensure_mailstack();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let user = format!("bench-{}@portbot.test", std::process::id());
        let toml = format!(
            "[store]\nurl = \"sqlite://{}/bench.db\"\n[inbox]\nsource = \"imap\"\naddress = \"porting@voip.example\"\n\
             trusted_domains = [\"portflow.example\"]\n\
             [auth]\nmode = \"verify\"\nresolver = \"127.0.0.1:5300\"\nreceived_hops = 2\n[imap]\nhost = \"127.0.0.1\"\nport = 1143\nsecurity = \"plain\"\n\
             user = \"{user}\"\npassword = \"secret\"\nbatch = 500\n",
            dir.path().display()
        );
        let settings = Settings::from_toml(&toml, std::iter::empty(), "bench.toml").unwrap();
        let InboxSource::Imap(imap) = settings.inbox.source.clone() else { unreachable!() };
        let app = App::start(settings, Arc::new(SystemClock)).await.unwrap();
        let mut orders = Vec::new();
        for i in 0..ORDERS {
            orders.push(app.desk.open_order(request(i), Source::Cli).await.unwrap().reference);
        }
        let loading = Instant::now();
        let mut session = connect(&imap).await.unwrap();
        for i in 0..BACKLOG {
            session.append("INBOX", None, None, message(i, &orders)).await.unwrap();
        }
        eprintln!("backlog of {BACKLOG} messages appended in {:.1?}", loading.elapsed());
        let selected = session.select("INBOX").await.unwrap();
        let watcher = ImapWatcher::new(app.desk.clone(), imap);
        let statements = count_statements();
        let cpu_before = cpu::own_cpu_ticks();
        let started = Instant::now();
        let taken = watcher
            .drain(&mut session, selected.uid_validity.unwrap(), &CancellationToken::new())
            .await
            .unwrap();
        let took = started.elapsed();
        let cpu_ticks = cpu::own_cpu_ticks().saturating_sub(cpu_before);
        assert_eq!(taken, BACKLOG);
        assert_eq!(app.store.inbound_count().await.unwrap() as usize, BACKLOG);
        let rate = BACKLOG as f64 / took.as_secs_f64();
        println!(
            "inbox_drain: {BACKLOG} messages from Dovecot into SQLite in {:.2} s: {rate:.0} messages/s (target 1000)",
            took.as_secs_f64()
        );
        // The bench's own CPU time (parsing, matching, deciding, and handing statements to
        // SQLite's thread): steadier between runs than the rate on shared cores.
        let cpu_seconds = cpu_ticks as f64 / cpu::TICKS_A_SECOND as f64;
        println!(
            "inbox_drain: {cpu_seconds:.2} s of this process's CPU time: {:.0} µs a message ({:.0} % of one core over the drain)",
            cpu_seconds * 1e6 / BACKLOG as f64,
            100.0 * cpu_seconds / took.as_secs_f64()
        );
        if let Some(counted) = statements {
            let counted = counted.load(std::sync::atomic::Ordering::Relaxed);
            println!(
                "inbox_drain: {:.1} statements a message, besides BEGIN and COMMIT ({counted} in all)",
                counted as f64 / BACKLOG as f64
            );
        }
        // The share of that time the server and the wire take: fetching alone.
        let started = Instant::now();
        let mut fetched = 0;
        for first in (1..=BACKLOG).step_by(500) {
            let set = format!("{first}:{}", first + 499);
            let batch: Vec<_> = session.fetch(&set, "(UID BODY.PEEK[])").await.unwrap().try_collect().await.unwrap();
            fetched += batch.len();
        }
        let fetch_rate = fetched as f64 / started.elapsed().as_secs_f64();
        println!("inbox_drain: fetching alone runs at {fetch_rate:.0} messages/s");
        let _ = session.logout().await;
        tokio::time::sleep(Duration::from_millis(10)).await;
    });
}
