//! Each carrier's estimate ("3–14 business days"), kept for a while: it is a statistic
//! of the carrier's last 2,000 port dates, read for every customer e-mail, and one new
//! port date moves it little. This desk forgets every estimate when it records a port
//! date; another replica's new port date shows here within `KEPT_FOR`.

use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::sync::Mutex;

/// How long an estimate read from the store is used before it is read again.
const KEPT_FOR: Duration = Duration::minutes(10);

/// The timeline events that record a carrier's port date (what the estimate measures).
const PORT_DATE_EVENTS: [&str; 2] = ["foc_confirmed", "foc_changed"];

#[derive(Debug, Default)]
pub struct Estimates {
    known: Mutex<HashMap<String, (DateTime<Utc>, String)>>,
}

impl Estimates {
    /// The carrier's estimate as read at most `KEPT_FOR` before `now`.
    pub fn get(&self, carrier: &str, now: DateTime<Utc>) -> Option<String> {
        let known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        known
            .get(carrier)
            .filter(|(read, _)| now >= *read && now - *read < KEPT_FOR)
            .map(|(_, estimate)| estimate.clone())
    }

    /// Keeps the estimate just read from the store.
    pub fn keep(&self, carrier: &str, now: DateTime<Utc>, estimate: &str) {
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        known.insert(carrier.to_string(), (now, estimate.to_string()));
    }

    /// After a saved change: a port date recorded makes every estimate old.
    pub fn saved(&self, event: &str) {
        if PORT_DATE_EVENTS.contains(&event) {
            self.known.lock().unwrap_or_else(|e| e.into_inner()).clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-01T15:00:00Z").unwrap().to_utc() + Duration::minutes(minutes)
    }

    #[test]
    fn an_estimate_is_used_for_ten_minutes_then_read_again() {
        let estimates = Estimates::default();
        estimates.keep("AT&T", at(0), "3–9");
        assert_eq!(estimates.get("AT&T", at(9)).as_deref(), Some("3–9"));
        assert_eq!(estimates.get("AT&T", at(10)), None);
        assert_eq!(estimates.get("Comcast", at(1)), None);
    }

    #[test]
    fn a_port_date_recorded_here_makes_every_estimate_old() {
        let estimates = Estimates::default();
        estimates.keep("AT&T", at(0), "3–9");
        estimates.saved("bill_received");
        assert!(estimates.get("AT&T", at(1)).is_some());
        estimates.saved("foc_confirmed");
        assert_eq!(estimates.get("AT&T", at(1)), None);
    }

    #[test]
    fn a_clock_set_back_reads_again() {
        let estimates = Estimates::default();
        estimates.keep("AT&T", at(5), "3–9");
        assert_eq!(estimates.get("AT&T", at(0)), None);
    }
}
