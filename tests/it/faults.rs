//! The bad days the chaos test brings on: a PostgreSQL server of its own to restart,
//! Dovecot stopped with SIGSTOP, slowloris clients, a portal that retries as a portal
//! would, and a contact's mailbox reached patiently while its server is stopped.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A PostgreSQL server of the test's own on a free port, so that restarting it
/// troubles no other test. Stopped when dropped.
pub struct ScratchPostgres {
    bin: PathBuf,
    data: PathBuf,
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl ScratchPostgres {
    pub fn start() -> Self {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .expect("PostgreSQL is installed (scripts/services)")
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|p| p.join("initdb").exists())
            .max()
            .expect("an initdb under /usr/lib/postgresql");
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        command_as(&["chmod", "755", &dir.path().display().to_string()], None);
        command_as(&["chown", "postgres", &data.display().to_string()], None);
        let port = free_port();
        let initdb = bin.join("initdb").display().to_string();
        command_as(
            &[
                &initdb,
                "-D",
                &data.display().to_string(),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
            ],
            Some("postgres"),
        );
        let server = Self {
            bin,
            data,
            port,
            _dir: dir,
        };
        server.pg_ctl(&["start"]);
        server
    }

    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Restarts the server (fast shutdown, as an operator's restart does); returns when
    /// it accepts connections again.
    pub fn restart(&self) {
        self.pg_ctl(&["-m", "fast", "restart"]);
    }

    fn pg_ctl(&self, action: &[&str]) {
        let pg_ctl = self.bin.join("pg_ctl").display().to_string();
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {}",
            self.port,
            self.data.display()
        );
        let log = self.data.join("server.log").display().to_string();
        let data = self.data.display().to_string();
        let mut args = vec![pg_ctl.as_str(), "-D", &data, "-o", &options, "-l", &log, "-w"];
        args.extend_from_slice(action);
        command_as(&args, Some("postgres"));
    }
}

impl Drop for ScratchPostgres {
    fn drop(&mut self) {
        let pg_ctl = self.bin.join("pg_ctl").display().to_string();
        let data = self.data.display().to_string();
        let _ = Command::new("runuser")
            .args(["-u", "postgres", "--", &pg_ctl, "-D", &data, "-m", "immediate", "stop"])
            .output();
    }
}

/// Runs a command, as `user` when one is named (PostgreSQL refuses to run as root).
fn command_as(args: &[&str], user: Option<&str>) {
    let output = match user {
        Some(user) => Command::new("runuser").args(["-u", user, "--"]).args(args).output(),
        None => Command::new(args[0]).args(&args[1..]).output(),
    }
    .unwrap_or_else(|e| panic!("{args:?}: {e}"));
    assert!(
        output.status.success(),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Dovecot's master process and everything it started (login, IMAP, LMTP, auth).
fn dovecot_processes() -> Vec<u32> {
    let pid_file = crate::mailstack::folder().join("dovecot/run/master.pid");
    let master: u32 = std::fs::read_to_string(&pid_file)
        .unwrap_or_else(|e| panic!("{}: {e}", pid_file.display()))
        .trim()
        .parse()
        .unwrap();
    let parents: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // pid (comm) state ppid ...: comm may hold spaces, so read after its ')'.
            let ppid = stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.parse().ok()?;
            Some((pid, ppid))
        })
        .collect();
    let mut family = vec![master];
    let mut i = 0;
    while i < family.len() {
        let parent = family[i];
        family.extend(parents.iter().filter(|(_, p)| *p == parent).map(|(pid, _)| *pid));
        i += 1;
    }
    family
}

/// Dovecot stopped (SIGSTOP, every process of it) until dropped (SIGCONT), even when
/// the test fails meanwhile: the other tests need it.
pub struct DovecotStopped(Vec<u32>);

impl DovecotStopped {
    pub fn now() -> Self {
        let processes = dovecot_processes();
        signal(&processes, "-STOP");
        Self(processes)
    }
}

impl Drop for DovecotStopped {
    fn drop(&mut self) {
        signal(&self.0, "-CONT");
    }
}

fn signal(processes: &[u32], signal: &str) {
    for pid in processes {
        let _ = Command::new("kill").args([signal, &pid.to_string()]).status();
    }
}

/// Whether Dovecot greets a new IMAP connection within two seconds.
pub async fn imap_greets() -> bool {
    let greeting = async {
        let mut stream = tokio::net::TcpStream::connect("127.0.0.1:1143").await.ok()?;
        let mut buffer = [0u8; 64];
        let n = stream.read(&mut buffer).await.ok()?;
        (n > 0).then_some(())
    };
    tokio::time::timeout(Duration::from_secs(2), greeting)
        .await
        .ok()
        .flatten()
        .is_some()
}

/// `connections` clients that open an API connection and send a header line every few
/// seconds, never the end of the headers; a dropped client comes straight back.
pub fn slowloris(address: SocketAddr, connections: usize, until: Instant) -> Vec<tokio::task::JoinHandle<()>> {
    (0..connections)
        .map(|_| {
            tokio::spawn(async move {
                while Instant::now() < until {
                    let Ok(Ok(mut stream)) =
                        tokio::time::timeout(Duration::from_secs(2), tokio::net::TcpStream::connect(address)).await
                    else {
                        tokio::time::sleep(Duration::from_millis(200)).await;
                        continue;
                    };
                    if stream
                        .write_all(b"POST /api/port-requests HTTP/1.1\r\nHost: portbot\r\n")
                        .await
                        .is_err()
                    {
                        continue;
                    }
                    while Instant::now() < until {
                        tokio::time::sleep(Duration::from_secs(3)).await;
                        if stream.write_all(b"X-Slow: 1\r\n").await.is_err() {
                            break;
                        }
                    }
                }
            })
        })
        .collect()
}

/// One HTTP/1.1 request with a deadline; `None` when no answer came.
pub async fn http_post(address: SocketAddr, path: &str, token: &str, body: &str) -> Option<(u16, String)> {
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(address).await.ok()?;
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: portbot\r\nContent-Type: application/json\r\n\
             Authorization: Bearer {token}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await.ok()?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.ok()?;
        let text = String::from_utf8_lossy(&response).into_owned();
        let status = text.split_whitespace().nth(1)?.parse().ok()?;
        Some((status, text))
    };
    tokio::time::timeout(Duration::from_secs(40), exchange)
        .await
        .ok()
        .flatten()
}

/// Sends a port request until it is answered, waiting as `503 Retry-After` asks (or a
/// second when nothing came back), as the billing portal does; returns the answer's
/// status and how many tries it took.
pub async fn portal_sends(address: SocketAddr, token: &str, body: &str) -> (u16, usize) {
    for tries in 1..=120 {
        match http_post(address, "/api/port-requests", token, body).await {
            Some((503, text)) => {
                let wait = text
                    .lines()
                    .find_map(|l| l.strip_prefix("Retry-After: "))
                    .and_then(|s| s.trim().parse().ok())
                    .unwrap_or(1);
                tokio::time::sleep(Duration::from_secs(wait)).await;
            }
            Some((status, _)) => return (status, tries),
            None => tokio::time::sleep(Duration::from_secs(1)).await,
        }
    }
    panic!("a port request was never answered")
}

/// Appends a message to a mailbox, trying again while the server does not answer (it
/// may be stopped); returns once the message is in.
pub async fn append_patiently(address: &str, message: &str) {
    let settings = crate::mailstack::imap_settings(address, portbot::config::Security::Plain);
    let started = Instant::now();
    loop {
        let appended = async {
            let mut session = portbot::inbox::imap::connect(&settings).await.ok()?;
            session.append("INBOX", None, None, message.as_bytes()).await.ok()?;
            let _ = session.logout().await;
            Some(())
        };
        if appended.await.is_some() {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "Dovecot never took the message"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The peak resident memory of a process (`VmHWM`), in MB.
pub fn peak_memory_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/PID/status");
    kb / 1024.0
}
