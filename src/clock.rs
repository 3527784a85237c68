//! The one way code reads the time, so that tests, `--now` and reminders are
//! deterministic.

use chrono::{DateTime, Utc};
use std::sync::Mutex;

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that says what it is told: `--now`, and tests that move time on.
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Mutex::new(at))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = at;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A clock that starts at a given time and then runs: `portbot run --now`, for a bot
/// that must live through a business day that is not today (rehearsals, tests).
pub struct ShiftedClock {
    offset: chrono::Duration,
}

impl ShiftedClock {
    pub fn starting_at(at: DateTime<Utc>) -> Self {
        Self {
            offset: at - Utc::now(),
        }
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }
}
