//! What is up and since when: the store (checked on each `/healthz`), the inbox watcher,
//! the e-mail sender and the chat report their state here as it changes.

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Mutex;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Component {
    pub up: bool,
    /// When it last went up or down.
    pub since: DateTime<Utc>,
    /// What it is (the IMAP mailbox, the SMTP server, local folder...), or why it is down.
    pub detail: String,
}

#[derive(Debug, Default)]
pub struct Health {
    components: Mutex<BTreeMap<&'static str, Component>>,
}

impl Health {
    /// Records a component's state; `since` moves only when up/down changes.
    pub fn report(&self, name: &'static str, up: bool, detail: impl Into<String>) {
        let mut all = self.components.lock().unwrap_or_else(|p| p.into_inner());
        let detail = detail.into();
        match all.get_mut(name) {
            Some(c) if c.up == up => c.detail = detail,
            _ => {
                all.insert(
                    name,
                    Component {
                        up,
                        since: Utc::now(),
                        detail,
                    },
                );
            }
        }
    }

    pub fn snapshot(&self) -> BTreeMap<&'static str, Component> {
        self.components.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// Parse time, summed over the process's life (for `/metrics`).
pub mod parse_time {
    use std::sync::atomic::{AtomicU64, Ordering};

    static MICROS: AtomicU64 = AtomicU64::new(0);
    static COUNT: AtomicU64 = AtomicU64::new(0);

    pub fn record(elapsed: std::time::Duration) {
        MICROS.fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
        COUNT.fetch_add(1, Ordering::Relaxed);
    }

    /// (seconds, count)
    pub fn read() -> (f64, u64) {
        (
            MICROS.load(Ordering::Relaxed) as f64 / 1e6,
            COUNT.load(Ordering::Relaxed),
        )
    }
}
