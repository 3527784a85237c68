//! The e-mail sender's promises: a temporary failure is tried again later, too many
//! failures end in `failed` and a staff alert, a crash before the server took the
//! message sends it again with the same Message-ID, and local mode writes `.eml` files.

use crate::harness::{Backend, TestDesk};
use crate::mailstack::{self, new_address};
use crate::story::{acme_request, bill_at};
use chrono::Duration as Span;
use portbot::config::Settings;
use portbot::domain::{EmailAddress, Event, OutboxStatus, RejectCode, Source};
use portbot::outbox::EmailSender;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

const SERVER_DOWN: &str =
    "[outbox]\nmode = \"smtp\"\nmax_attempts = 3\n[smtp]\nhost = \"127.0.0.1\"\nport = 9\nsecurity = \"plain\"\n";
const POSTFIX: &str = "[outbox]\nmode = \"smtp\"\n[smtp]\nhost = \"127.0.0.1\"\nport = 2525\nsecurity = \"plain\"\n";

/// A desk whose only customer e-mail is a rejection notice to `contact`.
async fn desk_with_a_rejection_notice(contact: &str, outbox_toml: &str) -> TestDesk {
    let toml = format!("[inbox]\naddress = \"porting@voip.example\"\nfolder = \"/nonexistent\"\n{outbox_toml}");
    let t = TestDesk::start_with(Backend::Sqlite, Some(&toml)).await;
    let mut request = acme_request("305-555-0100");
    request.contacts = vec![contact.parse::<EmailAddress>().unwrap()];
    let r = t.app.desk.open_order(request, Source::Cli).await.unwrap().reference;
    let rejected = Event::Rejected {
        code: RejectCode::PasscodePinInvalid,
        reason: "PIN INVALID".into(),
        numbers: vec![],
    };
    for event in [
        Event::LoaSigned,
        Event::BillReceived(bill_at("100 Main St, Miami, FL 33130")),
        Event::Submitted,
        rejected,
    ] {
        t.app.desk.act(&r, event, Source::Chat("dana".into())).await.unwrap();
    }
    t
}

fn sender_for(t: &TestDesk, outbox_toml: &str) -> EmailSender {
    let settings = Settings::from_toml(
        &format!("[store]\nurl = \"sqlite::memory:\"\n[inbox]\naddress = \"porting@voip.example\"\n{outbox_toml}"),
        std::iter::empty(),
        "test.toml",
    )
    .unwrap();
    EmailSender::from_settings(t.app.desk.sending(), &settings.outbox, &settings.inbox.address).unwrap()
}

async fn the_email(t: &TestDesk) -> portbot::domain::OutboxMessage {
    let all = t.app.desk.outbox(true).await.unwrap();
    all.into_iter()
        .find(|m| m.template == "rejection_notice")
        .expect("the rejection notice")
}

#[tokio::test]
async fn a_refused_connection_is_tried_again_later_and_the_mail_goes_when_the_server_is_back() {
    mailstack::ensure_running();
    let contact = new_address("ops");
    let t = desk_with_a_rejection_notice(&contact, SERVER_DOWN).await;
    let stop = CancellationToken::new();
    assert_eq!(sender_for(&t, SERVER_DOWN).run_once(&stop).await.unwrap(), 1);
    let waiting = the_email(&t).await;
    assert_eq!((waiting.status, waiting.attempts), (OutboxStatus::Pending, 1));
    assert!(
        waiting.last_error.as_deref().unwrap_or_default().contains("onnection"),
        "{waiting:?}"
    );
    // Not again before its retry time...
    assert_eq!(sender_for(&t, POSTFIX).run_once(&stop).await.unwrap(), 0);
    // ...and then through the server that is back.
    t.clock.set(t.app.desk.now() + Span::seconds(31));
    assert_eq!(sender_for(&t, POSTFIX).run_once(&stop).await.unwrap(), 1);
    let sent = the_email(&t).await;
    assert_eq!((sent.status, sent.attempts), (OutboxStatus::Sent, 2));
    crate::mailstack::wait_for_mail(&contact, 1).await;
    t.finish().await;
}

#[tokio::test]
async fn an_email_that_keeps_failing_ends_failed_and_staff_hear_of_it() {
    let t = desk_with_a_rejection_notice("ops@acme.example", SERVER_DOWN).await;
    let stop = CancellationToken::new();
    let down = sender_for(&t, SERVER_DOWN);
    for _ in 0..3 {
        down.run_once(&stop).await.unwrap();
        t.clock.set(t.app.desk.now() + Span::hours(2));
    }
    let failed = the_email(&t).await;
    assert_eq!((failed.status, failed.attempts), (OutboxStatus::Failed, 3));
    let alert = t
        .app
        .desk
        .outbox(false)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.template == "chat/email_failed");
    let alert = alert.expect("a staff alert");
    assert!(
        alert.body.contains("ops@acme.example") && alert.body.contains("PORT-1001"),
        "{}",
        alert.body
    );
    assert_eq!(
        down.run_once(&stop).await.unwrap(),
        0,
        "a failed message is not tried again"
    );
    t.finish().await;
}

#[tokio::test]
async fn a_claim_left_by_a_crash_is_sent_again_with_the_same_message_id() {
    let t = desk_with_a_rejection_notice("ops@acme.example", "").await;
    let lease = Duration::from_secs(60);
    let first = t
        .app
        .desk
        .sending()
        .claim(portbot::domain::Channel::Email, "replica-a", lease, 10)
        .await
        .unwrap();
    assert_eq!(first.len(), 1);
    // replica-a dies here. Nobody else may take it while its claim lasts...
    assert!(t
        .app
        .desk
        .sending()
        .claim(portbot::domain::Channel::Email, "replica-b", lease, 10)
        .await
        .unwrap()
        .is_empty());
    // ...then replica-b takes it, the very same message.
    t.clock.set(t.app.desk.now() + Span::seconds(61));
    let again = t
        .app
        .desk
        .sending()
        .claim(portbot::domain::Channel::Email, "replica-b", lease, 10)
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    let id = |m: &portbot::domain::OutboxMessage| m.email.as_ref().unwrap().message_id.clone();
    assert_eq!(id(&again[0]), id(&first[0]));
    t.finish().await;
}

#[tokio::test]
async fn local_mode_writes_each_email_as_an_eml_file() {
    let folder = tempfile::tempdir().unwrap();
    let outbox = format!("[outbox]\nfolder = \"{}\"\n", folder.path().display());
    let t = desk_with_a_rejection_notice("ops@acme.example", &outbox).await;
    sender_for(&t, &outbox)
        .run_once(&CancellationToken::new())
        .await
        .unwrap();
    let files: Vec<_> = std::fs::read_dir(folder.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].to_string_lossy().ends_with("-rejection_notice.eml"));
    let raw = std::fs::read(&files[0]).unwrap();
    let parsed = portbot::parse::parse_message("sent.eml", &raw);
    assert_eq!(parsed.order_ref.map(|r| r.to_string()).as_deref(), Some("PORT-1001"));
    let text = String::from_utf8_lossy(&raw);
    assert!(
        text.contains("Auto-Submitted: auto-generated") && text.contains("Reply-To:"),
        "{text}"
    );
    assert_eq!(the_email(&t).await.status, OutboxStatus::Sent);
    t.finish().await;
}

#[tokio::test]
async fn mail_goes_over_starttls_and_tls_with_the_private_ca() {
    mailstack::ensure_running();
    let ca = mailstack::folder().join("tls/ca.pem");
    for (security, port) in [("starttls", 2525), ("tls", 4465)] {
        let contact = new_address("ops");
        let outbox = format!(
            "[outbox]\nmode = \"smtp\"\n[smtp]\nhost = \"localhost\"\nport = {port}\nsecurity = \"{security}\"\nca_file = \"{}\"\n",
            ca.display()
        );
        let t = desk_with_a_rejection_notice(&contact, &outbox).await;
        sender_for(&t, &outbox)
            .run_once(&CancellationToken::new())
            .await
            .unwrap();
        let sent = the_email(&t).await;
        assert_eq!(sent.status, OutboxStatus::Sent, "{security}: {:?}", sent.last_error);
        crate::mailstack::wait_for_mail(&contact, 1).await;
        t.finish().await;
    }
}

#[tokio::test]
async fn a_long_outage_loses_nothing_within_a_day_and_staff_hear_after_an_hour() {
    // No attempt cap: only the day-long horizon ends the retries.
    let horizon = "[outbox]\nmode = \"smtp\"\n[smtp]\nhost = \"127.0.0.1\"\nport = 9\nsecurity = \"plain\"\n";
    let t = desk_with_a_rejection_notice("maria@acme.example", horizon).await;
    let sender = sender_for(&t, horizon);
    let stop = CancellationToken::new();
    // Two hours of a server that refuses every connection, tried again and again.
    for minutes in (0..=120).step_by(5) {
        t.at(
            &(chrono::DateTime::parse_from_rfc3339("2026-11-23T15:00:00Z").unwrap() + Span::minutes(minutes))
                .to_rfc3339(),
        );
        sender.run_once(&stop).await.unwrap();
    }
    let mail = the_email(&t).await;
    assert_eq!(
        mail.status,
        OutboxStatus::Pending,
        "still tried after two hours: {mail:?}"
    );
    assert!(mail.attempts >= 5, "{mail:?}");
    let posts = t.app.desk.outbox(true).await.unwrap();
    let waiting: Vec<_> = posts.iter().filter(|m| m.template == "chat/email_waiting").collect();
    assert_eq!(waiting.len(), 1, "told once: {posts:#?}");
    assert!(waiting[0].body.contains("maria@acme.example"));
    // A day later it fails for good, with the usual alert.
    t.at("2026-11-24T15:30:00Z");
    sender.run_once(&stop).await.unwrap();
    assert_eq!(the_email(&t).await.status, OutboxStatus::Failed);
    t.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_senders_and_a_slow_server_still_send_each_email_once() {
    use crate::harness::Backend;
    mailstack::ensure_running();
    // Postfix through a relay that takes a second to accept each message, and claims of
    // four seconds: a round of six messages would outlast its claim.
    let relay = crate::relay::FreezableRelay::start_slow(2525, Duration::from_secs(1)).await;
    let outbox = format!(
        "[outbox]\nmode = \"smtp\"\nclaim_seconds = 4\ndaily_limit_per_address = 100\n[smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"plain\"\n",
        relay.port
    );
    let toml = format!("[inbox]\naddress = \"porting@voip.example\"\nfolder = \"/nonexistent\"\n{outbox}");
    let t = TestDesk::start_with(Backend::Postgres, Some(&toml)).await;
    let contact = new_address("slow");
    for i in 0..6 {
        let mut request = acme_request(&format!("305-555-{:04}", 100 + i));
        request.contacts = vec![contact.parse::<EmailAddress>().unwrap()];
        let r = t.app.desk.open_order(request, Source::Cli).await.unwrap().reference;
        for event in [
            Event::LoaSigned,
            Event::BillReceived(bill_at("100 Main St, Miami, FL 33130")),
            Event::Submitted,
            Event::Rejected {
                code: RejectCode::PasscodePinInvalid,
                reason: "PIN INVALID".into(),
                numbers: vec![],
            },
        ] {
            t.app.desk.act(&r, event, Source::Chat("dana".into())).await.unwrap();
        }
    }
    // The rejection notices are due at once (they wait for nobody's window here).
    t.at("2026-11-23T15:00:00Z");
    let a = sender_for(&t, &outbox).named("replica-a");
    let b = sender_for(&t, &outbox).named("replica-b");
    let stop = CancellationToken::new();
    let started = std::time::Instant::now();
    let run = |sender: EmailSender, stop: CancellationToken| async move {
        while !stop.is_cancelled() {
            sender.run_once(&stop).await.unwrap();
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    let (ra, rb) = (tokio::spawn(run(a, stop.clone())), tokio::spawn(run(b, stop.clone())));
    let base: chrono::DateTime<chrono::Utc> = "2026-11-23T15:00:00Z".parse().unwrap();
    loop {
        // The desk's clock runs with the real one: claims run out as they would.
        t.at(&(base + Span::from_std(started.elapsed()).unwrap()).to_rfc3339());
        let pending = t
            .app
            .desk
            .outbox(false)
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.template == "rejection_notice")
            .count();
        if pending == 0 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "{pending} still unsent");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    stop.cancel();
    ra.await.unwrap();
    rb.await.unwrap();
    mailstack::wait_for_mail(&contact, 6).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        mailstack::search(&contact, "INBOX", "ALL").await.len(),
        6,
        "each of the six notices arrived once"
    );
    t.finish().await;
}

/// Loses the desk's PostgreSQL database the moment the server has taken the message:
/// every connection to it is cut and new ones are refused for two seconds.
struct DatabaseGoesAwayOnSend {
    database: String,
    sent: std::sync::atomic::AtomicUsize,
}

#[async_trait::async_trait]
impl portbot::outbox::mailer::Mailer for DatabaseGoesAwayOnSend {
    async fn send(&self, _message: &lettre::Message, _name: &str) -> Result<(), portbot::outbox::mailer::SendError> {
        self.sent.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let db = &self.database;
        crate::harness::run_admin(&format!("ALTER DATABASE {db} ALLOW_CONNECTIONS false")).await;
        crate::harness::run_admin(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db}' AND pid <> pg_backend_pid()"
        ))
        .await;
        let db = db.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(2)).await;
            crate::harness::run_admin(&format!("ALTER DATABASE {db} ALLOW_CONNECTIONS true")).await;
        });
        Ok(())
    }

    fn describe(&self) -> String {
        "a server that takes the message while the database restarts".into()
    }
}

#[tokio::test]
async fn a_message_the_server_took_while_the_database_restarted_is_recorded_not_sent_again() {
    let t = TestDesk::start(Backend::Postgres).await;
    let r = t
        .app
        .desk
        .open_order(acme_request("305-555-0100"), Source::Cli)
        .await
        .unwrap()
        .reference;
    assert!(t.staff_says(&format!("remind {r}")).await.ok);
    let mailer = std::sync::Arc::new(DatabaseGoesAwayOnSend {
        database: t.store_url.rsplit('/').next().unwrap().to_string(),
        sent: Default::default(),
    });
    let settings = Settings::from_toml(
        "[store]\nurl = \"sqlite::memory:\"\n[inbox]\naddress = \"porting@voip.example\"\n",
        std::iter::empty(),
        "test.toml",
    )
    .unwrap();
    let from = portbot::outbox::compose::Sender::new("Porting desk", "porting@voip.example").unwrap();
    let sender = EmailSender::new(t.app.desk.sending(), mailer.clone(), from, &settings.outbox);
    let stop = CancellationToken::new();
    let settled = sender.run_once(&stop).await.expect("the sender waits for the database");
    assert!(settled >= 1);
    let sent = mailer.sent.load(std::sync::atomic::Ordering::SeqCst);
    assert!(t
        .app
        .desk
        .outbox(false)
        .await
        .unwrap()
        .iter()
        .all(|m| m.channel != portbot::domain::Channel::Email));
    // Nothing is left to send: the message the server took is not sent again.
    assert_eq!(sender.run_once(&stop).await.unwrap(), 0);
    assert_eq!(mailer.sent.load(std::sync::atomic::Ordering::SeqCst), sent);
    t.finish().await;
}
