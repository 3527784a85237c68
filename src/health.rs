//! What is up and since when: the store (checked on each `/healthz`), the inbox watcher,
//! the e-mail sender and the chat report their state here as it changes; and the time
//! spent reading inbound messages (for `/metrics`). Neither the desk nor the API owns
//! it: every part holds the same one, and its times come from the desk's `Clock`.

use crate::clock::Clock;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Component {
    pub up: bool,
    /// When it last went up or down.
    pub since: DateTime<Utc>,
    /// What it is (the IMAP mailbox, the SMTP server, local folder...), or why it is down.
    pub detail: String,
}

pub struct Health {
    components: Mutex<BTreeMap<&'static str, Component>>,
    clock: Arc<dyn Clock>,
    parse_micros: AtomicU64,
    parse_count: AtomicU64,
}

impl Health {
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self {
            components: Mutex::default(),
            clock,
            parse_micros: AtomicU64::new(0),
            parse_count: AtomicU64::new(0),
        }
    }

    /// Records a component's state; `since` moves only when up/down changes.
    pub fn report(&self, name: &'static str, up: bool, detail: impl Into<String>) {
        let mut all = self.components.lock().unwrap_or_else(|p| p.into_inner());
        let detail = detail.into();
        match all.get_mut(name) {
            Some(c) if c.up == up => c.detail = detail,
            _ => {
                let since = self.clock.now();
                all.insert(name, Component { up, since, detail });
            }
        }
    }

    pub fn snapshot(&self) -> BTreeMap<&'static str, Component> {
        self.components.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// One inbound message read, in `elapsed`.
    pub fn message_read(&self, elapsed: Duration) {
        self.parse_micros
            .fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
        self.parse_count.fetch_add(1, Ordering::Relaxed);
    }

    /// The time spent reading messages, in seconds, and how many were read.
    pub fn reading_time(&self) -> (f64, u64) {
        (
            self.parse_micros.load(Ordering::Relaxed) as f64 / 1e6,
            self.parse_count.load(Ordering::Relaxed),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;

    #[test]
    fn a_component_is_down_since_the_desk_clock_said_so_and_stays_so_while_it_stays_down() {
        let clock = Arc::new(FixedClock::new("2026-11-24T15:00:00Z".parse().unwrap()));
        let health = Health::new(clock.clone());
        health.report("imap", false, "connection refused");
        clock.set("2026-11-24T15:05:00Z".parse().unwrap());
        health.report("imap", false, "still refused");
        let imap = &health.snapshot()["imap"];
        assert_eq!(imap.since, "2026-11-24T15:00:00Z".parse::<DateTime<Utc>>().unwrap());
        assert_eq!(imap.detail, "still refused");
        health.report("imap", true, "INBOX");
        assert_eq!(
            health.snapshot()["imap"].since,
            "2026-11-24T15:05:00Z".parse::<DateTime<Utc>>().unwrap()
        );
    }

    #[test]
    fn reading_time_adds_up() {
        let health = Health::new(Arc::new(crate::clock::SystemClock));
        health.message_read(Duration::from_millis(1500));
        health.message_read(Duration::from_millis(500));
        assert_eq!(health.reading_time(), (2.0, 2));
    }
}
