//! A relay for the tests of servers that stop answering.

use std::time::Duration;

/// A TCP relay to a server on loopback that can be frozen, as a stopped (SIGSTOP)
/// server looks from outside: connections stay open and nothing comes back. Only the
/// test's own connections go through it; the shared server keeps serving everyone else.
pub struct FreezableRelay {
    pub port: u16,
    frozen: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// How long each message's end of data is held, in milliseconds.
    per_message_ms: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl FreezableRelay {
    pub async fn start(target: u16) -> Self {
        Self::start_slow(target, Duration::ZERO).await
    }

    /// The same, holding each message's end of data (`CRLF . CRLF`) for `per_message`
    /// before passing it on: an SMTP server that takes that long to accept a message.
    pub async fn start_slow(target: u16, per_message: Duration) -> Self {
        use std::sync::atomic::Ordering;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let frozen = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = frozen.clone();
        let per_message_ms = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(per_message.as_millis() as u64));
        let slowness = per_message_ms.clone();
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((client, _)) = listener.accept().await {
                if flag.load(Ordering::SeqCst) {
                    held.push(client); // accepted, never answered
                    continue;
                }
                let Ok(server) = tokio::net::TcpStream::connect(("127.0.0.1", target)).await else {
                    continue;
                };
                let (client_read, client_write) = client.into_split();
                let (server_read, server_write) = server.into_split();
                tokio::spawn(relay(client_read, server_write, flag.clone(), Some(slowness.clone())));
                tokio::spawn(relay(server_read, client_write, flag.clone(), None));
            }
        });
        Self {
            port,
            frozen,
            per_message_ms,
        }
    }

    /// From now on, hold each message's end of data for `per_message` (zero: not at all).
    pub fn slow_down(&self, per_message: Duration) {
        self.per_message_ms
            .store(per_message.as_millis() as u64, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn freeze(&self, frozen: bool) {
        self.frozen.store(frozen, std::sync::atomic::Ordering::SeqCst);
    }
}

async fn relay(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    frozen: std::sync::Arc<std::sync::atomic::AtomicBool>,
    per_message_ms: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        let Ok(n) = from.read(&mut buffer).await else { return };
        if n == 0 {
            return;
        }
        let held = per_message_ms
            .as_ref()
            .map_or(0, |ms| ms.load(std::sync::atomic::Ordering::SeqCst));
        if held > 0 && buffer[..n].windows(5).any(|w| w == b"\r\n.\r\n") {
            tokio::time::sleep(Duration::from_millis(held)).await;
        }
        // While frozen nothing passes, in either direction.
        while frozen.load(std::sync::atomic::Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        if to.write_all(&buffer[..n]).await.is_err() {
            return;
        }
    }
}
