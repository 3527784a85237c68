//! The real mail servers on loopback (`scripts/mailstack`): Postfix takes mail on
//! 127.0.0.1:2525 and delivers it to Dovecot, read over IMAP on 1143 (plain or
//! STARTTLS) and 1993 (TLS). Every test has mailboxes of its own.

use futures::TryStreamExt;
use portbot::config::{AfterTaking, ImapSettings, Secret, Security};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

pub const SMTP: &str = "127.0.0.1:2525";

pub fn folder() -> PathBuf {
    PathBuf::from(std::env::var("PORTBOT_MAILSTACK_DIR").unwrap_or_else(|_| "/tmp/portbot-mailstack".into()))
}

/// Starts the servers with the repo's script unless they already answer.
pub fn ensure_running() {
    static START: Once = Once::new();
    START.call_once(|| {
        let up = [2525, 4465, 1143, 1993, 5300].iter().all(|port| {
            TcpStream::connect_timeout(&format!("127.0.0.1:{port}").parse().unwrap(), Duration::from_secs(1)).is_ok()
        });
        if up && folder().join("tls/ca.pem").exists() {
            return;
        }
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/mailstack");
        let status = std::process::Command::new(script)
            .arg("start")
            .arg(folder())
            .status()
            .expect("scripts/mailstack runs");
        assert!(
            status.success(),
            "scripts/mailstack start failed: the mail tests need Postfix and Dovecot"
        );
        let dns = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/dns");
        let status = std::process::Command::new(dns)
            .arg("start")
            .status()
            .expect("scripts/dns runs");
        assert!(
            status.success(),
            "scripts/dns start failed: the mail tests need the test DNS server"
        );
    });
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A mailbox no other test uses.
pub fn new_address(name: &str) -> String {
    format!(
        "{name}-{}-{}@portbot.test",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    )
}

/// How the watcher reaches `address`'s mailbox.
pub fn imap_settings(address: &str, security: Security) -> ImapSettings {
    let (host, port) = match security {
        Security::Tls => ("localhost", 1993),
        _ => ("127.0.0.1", 1143),
    };
    ImapSettings {
        host: host.into(),
        port,
        security,
        user: address.into(),
        password: Secret::new("secret"),
        mailbox: "INBOX".into(),
        after: AfterTaking::Flag,
        idle: true,
        poll: Duration::from_secs(1),
        batch: 100,
        ca_file: Some(folder().join("tls/ca.pem")),
        idle_renew: Duration::from_secs(300),
        command_timeout: Duration::from_secs(60),
    }
}

/// Sender authentication as production runs it, against the test DNS: Postfix and
/// Dovecot each add a Received: field.
pub const AUTH_TOML: &str = "[auth]\nmode = \"verify\"\nresolver = \"127.0.0.1:5300\"\nreceived_hops = 2\n";

/// The `[inbox]` and `[imap]` sections for a bot watching `address`.
pub fn imap_toml(address: &str, extra: &str) -> String {
    format!(
        "[inbox]\nsource = \"imap\"\naddress = \"porting@voip.example\"\ntrusted_domains = {}\n{}\
         [imap]\nhost = \"127.0.0.1\"\nport = 1143\nsecurity = \"plain\"\nuser = \"{address}\"\npassword = \"secret\"\n{extra}",
        crate::harness::TRUSTED,
        AUTH_TOML,
    )
}

/// Sends one message through Postfix as its domain's own server would: signed with
/// the domain's DKIM key where the test DNS publishes one.
pub async fn send(to: &str, message: &str) {
    send_as_is(to, &crate::dkim::signed_if_genuine(message)).await
}

/// Sends exactly this message through Postfix (a forgery is not signed for it).
pub async fn send_as_is(to: &str, message: &str) {
    let stream = tokio::net::TcpStream::connect(SMTP)
        .await
        .expect("Postfix listens on 127.0.0.1:2525");
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let mut expect = async |code: &str| loop {
        let line = lines.next_line().await.unwrap().expect("Postfix answered");
        assert!(line.starts_with(code), "Postfix said {line:?}, expected {code}");
        if line.as_bytes().get(3) == Some(&b' ') {
            break;
        }
    };
    expect("220").await;
    let from = message
        .lines()
        .find_map(|l| l.strip_prefix("From: "))
        .and_then(|f| f.rsplit('<').next())
        .map(|f| f.trim_end_matches('>').trim().to_string())
        .unwrap_or_default();
    for (command, code) in [
        ("EHLO test.example".to_string(), "250"),
        (format!("MAIL FROM:<{from}>"), "250"),
        (format!("RCPT TO:<{to}>"), "250"),
        ("DATA".to_string(), "354"),
    ] {
        write.write_all(format!("{command}\r\n").as_bytes()).await.unwrap();
        expect(code).await;
    }
    let mut data = String::new();
    for line in message.replace("\r\n", "\n").lines() {
        if line.starts_with('.') {
            data.push('.');
        }
        data.push_str(line);
        data.push_str("\r\n");
    }
    data.push_str(".\r\n");
    write.write_all(data.as_bytes()).await.unwrap();
    expect("250").await;
    write.write_all(b"QUIT\r\n").await.unwrap();
}

/// Puts messages straight into a mailbox (faster than SMTP for thousands).
pub async fn append(address: &str, messages: &[String]) {
    let settings = imap_settings(address, Security::Plain);
    let mut session = portbot::inbox::imap::connect(&settings).await.expect("Dovecot answers");
    for m in messages {
        session
            .append("INBOX", None, None, crate::dkim::signed_if_genuine(m))
            .await
            .expect("APPEND");
    }
    let _ = session.logout().await;
}

/// UIDs in `mailbox` matching an IMAP search.
pub async fn search(address: &str, mailbox: &str, query: &str) -> Vec<u32> {
    let settings = imap_settings(address, Security::Plain);
    let mut session = portbot::inbox::imap::connect(&settings).await.expect("Dovecot answers");
    session.select(mailbox).await.expect("SELECT");
    let mut uids: Vec<u32> = session.uid_search(query).await.expect("SEARCH").into_iter().collect();
    uids.sort_unstable();
    let _ = session.logout().await;
    uids
}

/// Waits until `address`'s inbox holds `count` messages (Postfix delivers on its own time).
pub async fn wait_for_mail(address: &str, count: usize) {
    let started = std::time::Instant::now();
    loop {
        let found = search(address, "INBOX", "ALL").await.len();
        if found >= count {
            assert_eq!(found, count, "{address} holds more mail than expected");
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{address} got {found} of {count} messages"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The Message-IDs in a mailbox.
pub async fn message_ids(address: &str) -> Vec<String> {
    let mut session = portbot::inbox::imap::connect(&imap_settings(address, Security::Plain))
        .await
        .unwrap();
    session.select("INBOX").await.unwrap();
    let headers: Vec<Vec<u8>> = session
        .fetch("1:*", "BODY.PEEK[HEADER]")
        .await
        .unwrap()
        .try_filter_map(|f| async move { Ok(f.header().map(|h| h.to_vec())) })
        .try_collect()
        .await
        .unwrap_or_default();
    let _ = session.logout().await;
    headers
        .iter()
        .filter_map(|h| mail_parser::MessageParser::default().parse(h.as_slice()))
        .filter_map(|m| m.message_id().map(str::to_string))
        .collect()
}
