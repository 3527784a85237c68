//! The daily digest for the staff channel: port days today and tomorrow (with routing
//! not confirmed flagged), rejections waiting for a correction, stuck orders (documents
//! late, carrier silent, ready and not submitted, FOC date passed), and e-mails
//! waiting for a person. Posted once a business day at `reminders.digest_at` in the
//! desk's time zone; `digest` in chat shows it at any time.

use super::{Desk, DeskError};
use crate::domain::calendar::{add_business_days, business_days_between, is_business_day};
use crate::domain::reminders::ready_since;
use crate::domain::{Order, OrderState, OutboxDraft};
use crate::store::{OrderFilter, StoreError};
use crate::texts::{DigestLine, StaffPost};
use chrono::{DateTime, NaiveDate, Utc};

impl Desk {
    /// The digest as of the desk's clock.
    pub async fn digest(&self) -> Result<OutboxDraft, DeskError> {
        let now = self.clock.now();
        let today = now.with_timezone(&self.mail.default_time_zone).date_naive();
        let tomorrow = add_business_days(today, 1);
        // Only the orders it may list, read through the state index: the port days of
        // today and tomorrow, every rejection, and documents or carriers late enough.
        let foc = self
            .orders_in(OrderFilter {
                foc_on: Some((today, tomorrow)),
                ..in_state(OrderState::FocConfirmed)
            })
            .await?;
        let rejected = self.orders_in(in_state(OrderState::Rejected)).await?;
        let on = |day: NaiveDate| -> Vec<DigestLine> {
            foc.iter()
                .filter(|o| o.foc_date == Some(day))
                .map(|o| line(o, String::new()))
                .collect()
        };
        let stuck = self
            .stuck_orders_on(today, i64::MAX)
            .await?
            .iter()
            .map(|(o, why)| line(o, why.clone()))
            .collect();
        let unhandled = self.store.metrics().await?.staff_queue_open;
        let rejected = rejected
            .iter()
            .map(|o| {
                line(
                    o,
                    o.rejection
                        .as_ref()
                        .map(|r| r.code.meaning().to_string())
                        .unwrap_or_default(),
                )
            })
            .collect();
        self.post(StaffPost::Digest {
            date: super::long_date(today, crate::domain::Language::En),
            today: on(today),
            tomorrow: on(tomorrow),
            rejected,
            stuck,
            unhandled,
        })
    }

    /// Orders stuck as of today, each with why: documents late, the carrier silent, the
    /// FOC date passed with no completion, ready and not submitted (the digest's "Stuck"
    /// lines and the board's "stuck" filter): at most `limit` of each kind, newest first.
    pub async fn stuck_orders(&self, limit: i64) -> Result<Vec<(Order, String)>, DeskError> {
        let today = self
            .clock
            .now()
            .with_timezone(&self.mail.default_time_zone)
            .date_naive();
        self.stuck_orders_on(today, limit).await
    }

    async fn stuck_orders_on(&self, today: NaiveDate, limit: i64) -> Result<Vec<(Order, String)>, DeskError> {
        let in_state = |state| OrderFilter {
            limit,
            ..in_state(state)
        };
        let c = &self.mail.cadence;
        let awaiting = self
            .orders_in(OrderFilter {
                opened_before: Some(loose_cutoff(today, c.documents_alert_day)),
                ..in_state(OrderState::AwaitingDocuments)
            })
            .await?;
        let submitted = self
            .orders_in(OrderFilter {
                submitted_before: Some(loose_cutoff(today, c.carrier_silent_after)),
                ..in_state(OrderState::Submitted)
            })
            .await?;
        let foc_passed = self
            .orders_in(OrderFilter {
                foc_before: Some(today),
                ..in_state(OrderState::FocConfirmed)
            })
            .await?;
        let ready = self
            .orders_in(OrderFilter {
                opened_before: Some(loose_cutoff(today, c.ready_alert_days)),
                ..in_state(OrderState::Ready)
            })
            .await?;
        let mut stuck = Vec::new();
        for o in &awaiting {
            let days = business_days_between(o.opened_at.with_timezone(&o.time_zone).date_naive(), today);
            if days >= i64::from(c.documents_alert_day) {
                stuck.push((o.clone(), format!("documents missing for {days} business days")));
            }
        }
        for o in &submitted {
            if let Some(at) = o.submitted_at {
                let days = business_days_between(at.with_timezone(&o.time_zone).date_naive(), today);
                if days >= i64::from(c.carrier_silent_after) {
                    stuck.push((o.clone(), format!("{} silent for {days} business days", o.carrier)));
                }
            }
        }
        for o in &foc_passed {
            if let Some(foc) = o.foc_date {
                let days = business_days_between(foc, today).max(1);
                stuck.push((
                    o.clone(),
                    format!("FOC date {foc} passed {days} business day(s) ago, no completion"),
                ));
            }
        }
        for o in &ready {
            let days = ready_since(o).map_or(0, |since| business_days_between(since, today));
            if days >= i64::from(c.ready_alert_days) {
                stuck.push((o.clone(), format!("ready for {days} business days, not submitted")));
            }
        }
        Ok(stuck)
    }

    async fn orders_in(&self, filter: OrderFilter) -> Result<Vec<Order>, DeskError> {
        Ok(self.store.list_orders(&filter).await?)
    }

    /// Queues the digest once on a business day, from `digest_at`; true when it did.
    pub(super) async fn daily_digest(&self, now: DateTime<Utc>) -> Result<bool, DeskError> {
        let local = now.with_timezone(&self.mail.default_time_zone);
        if !is_business_day(local.date_naive()) || local.time() < self.mail.cadence.digest_at {
            return Ok(false);
        }
        // Only the day's own digest: a bot that was down all day does not post yesterday's.
        // Built only while not yet posted: every later tick of the day only looks.
        let key = format!("digest:{}", local.date_naive());
        if self.store.queued_once(&key).await? {
            return Ok(false);
        }
        let post = self.digest().await?;
        match self.store.queue_once(&key, &[post], now).await {
            Ok(()) => Ok(true),
            Err(StoreError::AlreadyApplied(_)) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}

/// Every order in a state.
fn in_state(state: OrderState) -> OrderFilter {
    OrderFilter {
        state: Some(state),
        limit: i64::MAX,
        ..OrderFilter::default()
    }
}

/// A time before which every order `days` business days old or more (in any time zone)
/// started: late enough for the days off that may follow the last such day (a weekend
/// and a holiday) and the zones west of UTC, so the exact count made after reading
/// misses none.
fn loose_cutoff(today: NaiveDate, days: i32) -> DateTime<Utc> {
    let day = add_business_days(today, -days) + chrono::Days::new(5);
    day.and_time(chrono::NaiveTime::MIN).and_utc() + chrono::Duration::hours(14)
}

fn line(o: &Order, why: String) -> DigestLine {
    DigestLine {
        reference: o.reference.to_string(),
        customer: o.customer.clone(),
        carrier: o.carrier.clone(),
        routing: o.routing_confirmed(),
        why,
    }
}
