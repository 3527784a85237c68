//! `portbot run` in local mode: the terminal is the team chat, and a signal stops it
//! cleanly between two commands.

use crate::harness::{Backend, TestDesk};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

#[tokio::test]
async fn a_newcomer_types_commands_at_the_terminal_and_reads_the_replies() {
    let t = TestDesk::start(Backend::Sqlite).await;
    let typed = "open customer=ACME-001 carrier=Verizon numbers=\"305-555-0100\" contact=ops@acme.example\n\nstatus PORT-1001\nquit\nstatus PORT-1001\n";
    let mut screen = Vec::new();
    portbot::run::run(&t.app, CancellationToken::new(), typed.as_bytes(), &mut screen)
        .await
        .unwrap();
    let screen = String::from_utf8(screen).unwrap();
    assert!(
        screen.starts_with("WARNING: sender authentication is off (local mode)"),
        "said loudly at start: {screen}"
    );
    assert!(screen.contains("portbot is running in local mode"), "{screen}");
    assert!(screen.contains("Opened PORT-1001"), "{screen}");
    assert_eq!(
        screen.matches("PORT-1001 · waiting for documents").count(),
        2,
        "quit stops before the last command:\n{screen}"
    );
    assert!(screen.ends_with("bye\n"));
    let timeline = t
        .app
        .desk
        .order_file(&"PORT-1001".parse().unwrap())
        .await
        .unwrap()
        .timeline;
    assert_eq!(timeline[0].source, "chat:staff");
}

#[tokio::test]
async fn a_cancelled_shutdown_token_stops_the_terminal_chat() {
    let t = TestDesk::start(Backend::Sqlite).await;
    let (input, _keep_open) = tokio::io::duplex(64);
    let shutdown = CancellationToken::new();
    shutdown.cancel();
    let mut screen = Vec::new();
    let input = tokio::io::BufReader::new(input);
    tokio::time::timeout(
        Duration::from_secs(5),
        portbot::run::run(&t.app, shutdown, input, &mut screen),
    )
    .await
    .expect("run stops when shutdown is cancelled")
    .unwrap();
    assert!(String::from_utf8(screen).unwrap().ends_with("bye\n"));
}

#[test]
fn sigterm_stops_the_running_bot_cleanly() {
    a_signal_stops_the_running_bot_cleanly("-TERM");
}

#[test]
fn ctrl_c_stops_the_running_bot_cleanly() {
    a_signal_stops_the_running_bot_cleanly("-INT");
}

fn a_signal_stops_the_running_bot_cleanly(signal: &str) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/bot.toml.example"),
        dir.path().join("bot.toml"),
    )
    .unwrap();
    let mut bot = Command::new(env!("CARGO_BIN_EXE_portbot"))
        .current_dir(dir.path())
        .env_remove("PORTBOT_STORE_URL")
        .arg("run")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = bot.stdin.take().unwrap();
    let mut stdout = BufReader::new(bot.stdout.take().unwrap());
    let mut warning = String::new();
    stdout.read_line(&mut warning).unwrap();
    assert!(
        warning.starts_with("WARNING: sender authentication is off"),
        "{warning}"
    );
    let mut banner = String::new();
    stdout.read_line(&mut banner).unwrap();
    assert!(banner.contains("local mode"), "{banner}");
    writeln!(stdin, "help").unwrap();
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert!(line.contains("Commands"), "{line}");

    // stdin stays open: only the signal can stop it.
    let killed = Command::new("kill")
        .args([signal, &bot.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = bot.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "portbot did not stop on {signal}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    assert!(rest.ends_with("bye\n"), "{rest}");
    drop(stdin);
}

#[tokio::test]
async fn health_and_metrics_answer_while_portbot_run_runs() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let example = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/bot.toml.example")).unwrap();
    let config = example.replace(
        "enabled = false\nlisten = \"127.0.0.1:8080\"",
        &format!("enabled = true\nlisten = \"127.0.0.1:{port}\""),
    );
    std::fs::write(dir.path().join("bot.toml"), config).unwrap();
    let mut bot = Command::new(env!("CARGO_BIN_EXE_portbot"))
        .current_dir(dir.path())
        .env_remove("PORTBOT_STORE_URL")
        .env("PORTBOT_API_TOKEN", "portal-token-0123456789")
        .arg("run")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let address: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let started = Instant::now();
    let health = loop {
        if let Ok(stream) = tokio::net::TcpStream::connect(address).await {
            drop(stream);
            let (status, body) =
                crate::api::http(address, "GET", "/healthz", Some("portal-token-0123456789"), "").await;
            let health: serde_json::Value = serde_json::from_str(&body).unwrap();
            // Up once the inbox folder and the sender have said so.
            if status == 200 && health["components"]["imap"]["up"] == true && health["components"]["smtp"]["up"] == true
            {
                break health;
            }
        }
        assert!(started.elapsed() < Duration::from_secs(20), "no healthy /healthz");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    for component in ["store", "imap", "smtp", "chat"] {
        assert_eq!(health["components"][component]["up"], true, "{component}: {health}");
    }
    let (status, metrics) = crate::api::http(address, "GET", "/metrics", None, "").await;
    assert_eq!(status, 200);
    assert!(metrics.contains("# TYPE portbot_outbox_messages gauge"), "{metrics}");
    Command::new("kill")
        .args(["-TERM", &bot.id().to_string()])
        .status()
        .unwrap();
    assert!(bot.wait().unwrap().success());
}

#[tokio::test]
async fn staff_posts_appear_in_the_terminal_in_local_mode() {
    let t = TestDesk::start(Backend::Sqlite).await;
    let (mut keyboard, input) = tokio::io::duplex(4096);
    let (output, mut screen) = tokio::io::duplex(1 << 16);
    let shutdown = CancellationToken::new();
    let stop = shutdown.clone();
    let app = &t.app;
    let run = portbot::run::run(app, shutdown, tokio::io::BufReader::new(input), output);
    let watch = async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        keyboard
            .write_all(b"open customer=ACME-001 carrier=Verizon numbers=\"305-555-0100\" contact=ops@acme.example\n")
            .await
            .unwrap();
        let mut seen = String::new();
        let started = Instant::now();
        while !seen.contains("== staff post [PORT-1001]: New order PORT-1001") {
            let mut buf = [0u8; 4096];
            let n = tokio::time::timeout(Duration::from_secs(10), screen.read(&mut buf))
                .await
                .unwrap()
                .unwrap();
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
            assert!(started.elapsed() < Duration::from_secs(10), "{seen}");
        }
        stop.cancel();
        // The screen stays open while the bot says goodbye.
        (seen, screen, keyboard)
    };
    let (result, (seen, _screen, _keyboard)) = tokio::join!(run, watch);
    result.unwrap();
    assert!(seen.contains("Opened PORT-1001"));
    let sent = t.app.desk.outbox(true).await.unwrap();
    assert!(sent
        .iter()
        .any(|m| m.template == "chat/new_order" && m.status == portbot::domain::OutboxStatus::Sent));
}

#[tokio::test]
async fn the_scheduler_waits_for_its_next_time_by_the_desk_clock() {
    use portbot::worker::Worker;
    let t = TestDesk::start(Backend::Sqlite).await;
    // Every five minutes; the desk's clock says 15:00:00, then 15:03:30.
    let scheduler = portbot::run::Scheduler {
        desk: t.app.desk.clone(),
        schedule: "0 */5 * * * *".parse().unwrap(),
    };
    t.at("2026-11-23T15:00:00Z");
    assert_eq!(scheduler.first_wait(), Duration::from_secs(300));
    t.at("2026-11-23T15:03:30Z");
    assert_eq!(scheduler.idle_wait(), Duration::from_secs(90));
    t.finish().await;
}
