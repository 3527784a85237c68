//! The inbox against real servers: mail sent through Postfix, delivered to Dovecot,
//! picked up by the IMAP watcher and applied at the desk.

use crate::harness::{Backend, TestDesk};
use crate::letters::{bill_from_customer, completion, foc, loa_signed, mail, rejection};
use crate::mailstack::{self, imap_settings, imap_toml, new_address, search, send};
use crate::story::acme_request;
use portbot::config::Security;
use portbot::domain::{Order, OrderRef, OrderState, Source};
use portbot::inbox::imap::{connect, ImapWatcher, TAKEN_KEYWORD};
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// A desk watching its own mailbox over IMAP, with the watcher running.
struct WatchedDesk {
    t: TestDesk,
    address: String,
    stop: CancellationToken,
    watcher: tokio::task::JoinHandle<()>,
}

impl WatchedDesk {
    async fn start(extra_imap: &str) -> Self {
        let address = new_address("porting");
        let toml = imap_toml(&address, extra_imap);
        Self::on(address, &toml).await
    }

    /// A desk with these settings watching `address`'s mailbox.
    async fn on(address: String, toml: &str) -> Self {
        mailstack::ensure_running();
        let t = TestDesk::start_with(Backend::Sqlite, Some(toml)).await;
        let stop = CancellationToken::new();
        let watcher = tokio::spawn(portbot::inbox::watch(
            t.app.desk.clone(),
            t.app.settings.inbox.source.clone(),
            stop.clone(),
        ));
        Self {
            t,
            address,
            stop,
            watcher,
        }
    }

    /// Sends a message to the porting inbox and waits until the order shows `done`;
    /// returns how long that took from the moment Postfix accepted it.
    async fn email(&self, message: &str, reference: &OrderRef, done: impl Fn(&Order) -> bool) -> Duration {
        let sent = Instant::now();
        send(&self.address, message).await;
        loop {
            let order = self.t.app.desk.order(reference).await.unwrap();
            if done(&order) {
                return sent.elapsed();
            }
            assert!(
                sent.elapsed() < Duration::from_secs(20),
                "the e-mail had no effect: {order:#?}\nqueue: {:#?}",
                self.t.app.desk.staff_queue(true).await.unwrap()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn stop(self) -> TestDesk {
        self.stop.cancel();
        self.watcher.await.unwrap();
        self.t
    }
}

/// One pass of `watcher` over the INBOX, on a connection of its own: how many it took.
async fn drain_once(watcher: &ImapWatcher, settings: &portbot::config::ImapSettings) -> usize {
    let mut session = connect(settings).await.unwrap();
    let selected = session.select("INBOX").await.unwrap();
    watcher
        .drain(&mut session, selected.uid_validity.unwrap(), &CancellationToken::new())
        .await
        .unwrap()
}

#[tokio::test]
async fn the_porting_story_by_real_email_through_postfix_and_dovecot() {
    let w = WatchedDesk::start("").await;
    let t = &w.t;
    let order = t
        .app
        .desk
        .open_order(acme_request("305-555-0100"), Source::Cli)
        .await
        .unwrap();
    let (o, r) = (&order.reference, order.reference.to_string());
    let mut took = Vec::new();
    let bill = bill_from_customer(&r, "200 Other Ave, Miami, FL 33130");
    took.push(w.email(&bill, o, |o| !o.mismatches().is_empty()).await);
    assert!(
        t.staff_says(&format!("set {r} address 200 Other Ave, Miami, FL 33130"))
            .await
            .ok
    );
    took.push(w.email(&loa_signed(&r), o, |o| o.state == OrderState::Ready).await);
    assert!(t.staff_says(&format!("submit {r}")).await.ok);
    took.push(w.email(&rejection(&r), o, |o| o.state == OrderState::Rejected).await);
    assert!(t.staff_says(&format!("set {r} pin 4821")).await.ok);
    assert!(t.staff_says(&format!("submit {r}")).await.ok);
    took.push(
        w.email(&foc(&r, "2026-12-08"), o, |o| o.state == OrderState::FocConfirmed)
            .await,
    );
    // The carrier completes on the port day.
    t.at("2026-12-08T17:00:00Z");
    took.push(w.email(&completion(&r), o, |o| o.state == OrderState::Completed).await);
    eprintln!("e-mail to effect, through Postfix, Dovecot and IDLE: {took:?}");
    // Every message taken is flagged, none deleted.
    let taken = search(&w.address, "INBOX", &format!("KEYWORD {TAKEN_KEYWORD}")).await;
    assert_eq!(taken.len(), 5);
    assert_eq!(t.app.store.documents(o).await.unwrap().len(), 1);
    w.stop().await.finish().await;
}

#[tokio::test]
async fn a_stranger_and_a_spoofed_notice_over_imap_reach_the_staff_queue_only() {
    let w = WatchedDesk::start("").await;
    let order =
        w.t.app
            .desk
            .open_order(acme_request("305-555-0300"), Source::Cli)
            .await
            .unwrap();
    let r = order.reference.to_string();
    send(
        &w.address,
        &mail("Eve <eve@else.example>", &format!("Status of {r}?"), "Is it done?"),
    )
    .await;
    let spoofed = foc(&r, "2026-12-08").replace("portflow.example", "portflow-notices.example");
    send(&w.address, &spoofed).await;
    let started = Instant::now();
    while w.t.app.desk.staff_queue(false).await.unwrap().len() < 2 {
        assert!(started.elapsed() < Duration::from_secs(20), "the queue did not fill");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let after = w.t.app.desk.order(&order.reference).await.unwrap();
    assert_eq!(
        (after.state, after.version),
        (OrderState::AwaitingDocuments, order.version)
    );
    w.stop().await.finish().await;
}

#[tokio::test]
async fn taken_mail_can_be_moved_to_a_folder_and_polling_works_without_idle() {
    let w = WatchedDesk::start("after = \"move\"\nmove_to = \"Processed\"\nidle = false\npoll_seconds = 1\n").await;
    let order =
        w.t.app
            .desk
            .open_order(acme_request("305-555-0400"), Source::Cli)
            .await
            .unwrap();
    let r = order.reference.to_string();
    w.email(&loa_signed(&r), &order.reference, |o| o.loa_signed_at.is_some())
        .await;
    let address = w.address.clone();
    let t = w.stop().await;
    assert!(
        search(&address, "INBOX", "ALL").await.is_empty(),
        "moved out of the inbox"
    );
    assert_eq!(search(&address, "Processed", "ALL").await.len(), 1, "kept, not deleted");
    t.finish().await;
}

#[tokio::test]
async fn a_renumbered_mailbox_is_read_again_without_applying_anything_twice() {
    let w = WatchedDesk::start("").await;
    let order =
        w.t.app
            .desk
            .open_order(acme_request("305-555-0500"), Source::Cli)
            .await
            .unwrap();
    let r = order.reference.to_string();
    w.email(&loa_signed(&r), &order.reference, |o| o.loa_signed_at.is_some())
        .await;
    let address = w.address.clone();
    let t = w.stop().await;
    // The server says the mailbox's UIDs mean something else now (UIDVALIDITY changed).
    let settings = match &t.app.settings.inbox.source {
        portbot::config::InboxSource::Imap(s) => s.clone(),
        _ => unreachable!(),
    };
    let watcher = ImapWatcher::new(t.app.desk.clone(), settings.clone());
    t.app
        .store
        .advance_checkpoint(&watcher.mailbox_key(), 1, 999)
        .await
        .unwrap();
    let taken = drain_once(&watcher, &settings).await;
    assert_eq!(taken, 0, "the message was recognised by its Message-ID");
    let timeline = t.app.store.timeline(&order.reference).await.unwrap();
    assert_eq!(timeline.iter().filter(|e| e.event == "loa_signed").count(), 1);
    assert_eq!(search(&address, "INBOX", "ALL").await.len(), 1);
    t.finish().await;
}

#[tokio::test]
async fn tls_and_starttls_log_in_with_the_private_ca_and_refuse_without_it() {
    mailstack::ensure_running();
    let address = new_address("tls");
    for security in [Security::Tls, Security::StartTls] {
        let mut settings = imap_settings(&address, security);
        let mut session = connect(&settings)
            .await
            .unwrap_or_else(|e| panic!("{security:?}: {e:#}"));
        session.select("INBOX").await.unwrap();
        let _ = session.logout().await;
        settings.ca_file = None;
        let refused = connect(&settings).await.expect_err("an unknown CA is refused");
        assert!(format!("{refused:#}").contains("TLS"), "{refused:#}");
    }
    let mut settings = imap_settings(&address, Security::Plain);
    settings.password = portbot::config::Secret::new("wrong");
    let refused = connect(&settings).await.expect_err("a wrong password is refused");
    assert!(format!("{refused:#}").contains("could not log in"), "{refused:#}");
}

#[tokio::test]
async fn the_watcher_reconnects_after_the_server_drops_it() {
    let w = WatchedDesk::start("").await;
    let order =
        w.t.app
            .desk
            .open_order(acme_request("305-555-0600"), Source::Cli)
            .await
            .unwrap();
    let r = order.reference.to_string();
    // Give the watcher time to connect and go idle, then have Dovecot drop it.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let config = mailstack::folder().join("dovecot/dovecot.conf");
    let kicked = std::process::Command::new("doveadm")
        .args(["-c", config.to_str().unwrap(), "kick", &w.address])
        .output()
        .expect("doveadm runs");
    assert!(kicked.status.success(), "{}", String::from_utf8_lossy(&kicked.stderr));
    w.email(&loa_signed(&r), &order.reference, |o| o.loa_signed_at.is_some())
        .await;
    w.stop().await.finish().await;
}

#[tokio::test]
async fn a_message_over_the_size_limit_is_fetched_by_its_headers_and_handed_to_staff() {
    let address = new_address("porting");
    let toml = imap_toml(&address, "").replace("[inbox]\n", "[inbox]\nmax_message_bytes = 20000\n");
    let w = WatchedDesk::on(address.clone(), &toml).await;
    let t = &w.t;
    let order = t
        .app
        .desk
        .open_order(acme_request("305-555-0100"), Source::Cli)
        .await
        .unwrap();
    let r = order.reference.to_string();
    let huge = mail(
        "Maria Lopez <ops@acme.example>",
        &format!("Scans for {r}"),
        &"scan data line\n".repeat(5_000),
    );
    send(&address, &huge).await;
    send(&address, &loa_signed(&r)).await;
    let started = Instant::now();
    loop {
        let signed = t
            .app
            .desk
            .order(&order.reference)
            .await
            .unwrap()
            .loa_signed_at
            .is_some();
        let queue = t.app.desk.staff_queue(false).await.unwrap();
        if let (true, Some(item)) = (signed, queue.iter().find(|i| i.subject.starts_with("Scans for"))) {
            assert!(item.reason.contains("too large to read"), "{}", item.reason);
            assert_eq!(
                item.order_ref.as_ref(),
                Some(&order.reference),
                "filed on the contact's order"
            );
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "{queue:#?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Both were taken and flagged; the large one is kept whole only in the mailbox.
    assert_eq!(
        search(&address, "INBOX", &format!("KEYWORD {TAKEN_KEYWORD}"))
            .await
            .len(),
        2
    );
    w.stop().await.finish().await;
}

#[tokio::test]
async fn a_server_that_stops_answering_is_left_and_mail_is_taken_once_it_is_back() {
    let relay_to_dovecot = crate::relay::FreezableRelay::start(1143).await;
    let address = new_address("porting");
    let toml = imap_toml(&address, "idle_renew_seconds = 1\ncommand_timeout_seconds = 2\n")
        .replace("port = 1143", &format!("port = {}", relay_to_dovecot.port));
    let w = WatchedDesk::on(address.clone(), &toml).await;
    let t = &w.t;
    let order = t
        .app
        .desk
        .open_order(acme_request("305-555-0100"), Source::Cli)
        .await
        .unwrap();
    let imap_up = |t: &TestDesk| t.app.desk.health().snapshot().get("imap").map(|c| c.up);
    let started = Instant::now();
    while imap_up(t) != Some(true) {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the watcher never connected"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The server stops answering while the watcher waits in IDLE; mail arrives meanwhile.
    relay_to_dovecot.freeze(true);
    send(&address, &loa_signed(&order.reference.to_string())).await;
    let frozen_at = Instant::now();
    while imap_up(t) != Some(false) {
        assert!(
            frozen_at.elapsed() < Duration::from_secs(30),
            "health still says imap up with a server that does not answer"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The server answers again: the watcher reconnects and takes the mail.
    relay_to_dovecot.freeze(false);
    let thawed_at = Instant::now();
    while t
        .app
        .desk
        .order(&order.reference)
        .await
        .unwrap()
        .loa_signed_at
        .is_none()
    {
        assert!(
            thawed_at.elapsed() < Duration::from_secs(60),
            "the mail that came during the stop was never taken"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(imap_up(t), Some(true));
    w.stop().await.finish().await;
}

#[tokio::test]
async fn a_backlog_is_taken_in_mailbox_order_while_the_next_messages_are_read_ahead() {
    mailstack::ensure_running();
    let address = new_address("porting");
    let t = TestDesk::start_with(Backend::Sqlite, Some(&imap_toml(&address, ""))).await;
    let r = crate::partial::submitted_with(&t, "305-555-0103").await;
    // The carrier moves the port day eight times while the bot is down: more notices
    // than the watcher reads ahead, each meaningful only after the one before.
    let days = [
        "2026-12-07",
        "2026-12-08",
        "2026-12-09",
        "2026-12-10",
        "2026-12-11",
        "2026-12-14",
        "2026-12-15",
        "2026-12-16",
    ];
    // One at a time: Postfix delivers what it holds in any order.
    for (sent, day) in days.iter().enumerate() {
        send(&address, &foc(&r.to_string(), day)).await;
        let delivered = Instant::now();
        while search(&address, "INBOX", "ALL").await.len() <= sent {
            assert!(
                delivered.elapsed() < Duration::from_secs(20),
                "Postfix did not deliver the notice"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let settings = imap_settings(&address, Security::Plain);
    let watcher = ImapWatcher::new(t.app.desk.clone(), settings.clone());
    let taken = drain_once(&watcher, &settings).await;
    assert_eq!(taken, days.len());
    let order = t.app.desk.order(&r).await.unwrap();
    assert_eq!(order.foc_date.unwrap().to_string(), "2026-12-16");
    let moves: Vec<String> = t
        .app
        .store
        .timeline(&r)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.event.starts_with("foc_"))
        .map(|e| e.text)
        .collect();
    let expected: Vec<String> = std::iter::once("FOC 2026-12-07".to_string())
        .chain(days.windows(2).map(|w| format!("FOC moved from {} to {}", w[0], w[1])))
        .collect();
    assert_eq!(moves, expected);
    t.finish().await;
}
