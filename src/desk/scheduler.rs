//! What the scheduler does at each tick: for every open order, the reminders and staff
//! alerts due now (pure rules in `domain::reminders`), each saved once under the key of
//! its occurrence with its timeline entry and its messages. Two replicas ticking at
//! once send nothing twice: the second save of a key is refused.

use super::{Addressing, CustomerMail, Desk, DeskError, MailFacts};
use crate::domain::attention::next_attention;
use crate::domain::reminders::{due, Due, Reminder};
use crate::domain::{Event, Order, Source};
use crate::store::StoreError;
use crate::texts::{Alert, StaffPost};
use chrono::{DateTime, Utc};
use futures::StreamExt;
use serde::Serialize;

/// Each carrier's estimate, read once in a tick.
type Estimates = std::collections::HashMap<String, String>;

/// How many orders a tick takes at once from its queue: small enough that replicas
/// ticking together share a morning's work.
const ATTENTION_PAGE: i64 = 100;
/// How long a taken page is held: a tick that stops half-way leaves the rest of its
/// page to the next tick after this.
const ATTENTION_HOLD: chrono::Duration = chrono::Duration::minutes(10);

/// What one tick did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TickReport {
    pub orders_checked: usize,
    pub customer_reminders: usize,
    pub staff_alerts: usize,
    /// Due, but another replica (or an earlier tick) already saved it.
    pub already_done: usize,
    /// The staff channel's daily digest was queued.
    pub digest: bool,
}

impl TickReport {
    fn add(&mut self, other: &TickReport) {
        self.orders_checked += other.orders_checked;
        self.customer_reminders += other.customer_reminders;
        self.staff_alerts += other.staff_alerts;
        self.already_done += other.already_done;
    }
}

impl Desk {
    /// Runs every reminder and alert due at the desk's clock, once.
    #[tracing::instrument(name = "tick", skip_all)]
    pub async fn tick(&self) -> Result<TickReport, DeskError> {
        let now = self.clock.now();
        let mut report = TickReport::default();
        let held_until = now + ATTENTION_HOLD;
        // Each carrier's estimate (in the reminders' text) read once a tick.
        let mut estimates = Estimates::default();
        loop {
            let page = self.store.claim_attention(now, held_until, ATTENTION_PAGE).await?;
            if page.is_empty() {
                break;
            }
            for order in &page {
                if !estimates.contains_key(&order.carrier) {
                    estimates.insert(order.carrier.clone(), self.estimate(&order.carrier).await?);
                }
            }
            // Orders are independent: as many at once as the store takes writers.
            let attended: Vec<Result<TickReport, DeskError>> = futures::stream::iter(page)
                .map(|order| self.attend(order, now, &estimates))
                .buffer_unordered(self.store.writers())
                .collect()
                .await;
            for one in attended {
                report.add(&one?);
            }
        }
        report.digest = self.daily_digest(now).await?;
        if report.customer_reminders + report.staff_alerts > 0 || report.digest {
            tracing::info!(?report, "scheduler tick");
        }
        Ok(report)
    }

    /// The tick as the scheduler runs it: `/healthz` says whether the last one worked,
    /// and the first failure of a run of failures is posted to staff, once (the post is
    /// saved under the time the scheduler went down, so one that could not be saved is
    /// tried again at the next failure).
    pub async fn scheduled_tick(&self) -> Result<TickReport, DeskError> {
        let failed = match self.tick().await {
            Ok(report) => {
                self.health.report(
                    "scheduler",
                    true,
                    format!("ticked at {}", self.clock.now().to_rfc3339()),
                );
                return Ok(report);
            }
            Err(e) => e,
        };
        let error = failed.to_string();
        self.health.report("scheduler", false, error.clone());
        let since = self
            .health
            .snapshot()
            .get("scheduler")
            .map_or(self.clock.now(), |c| c.since);
        let local = since.with_timezone(&self.mail.default_time_zone);
        let post = self.post(StaffPost::SchedulerDown {
            since: format!(
                "{} {}",
                super::long_date(local.date_naive(), crate::domain::Language::En),
                local.format("%H:%M %Z")
            ),
            error,
        });
        let queued = match post {
            Ok(post) => {
                self.store
                    .queue_once(
                        &format!("scheduler-down:{}", since.to_rfc3339()),
                        &[post],
                        self.clock.now(),
                    )
                    .await
            }
            Err(e) => Err(StoreError::Unavailable(anyhow::anyhow!("{e}"))),
        };
        match queued {
            Ok(()) | Err(StoreError::AlreadyApplied(_)) => {}
            Err(e) => tracing::warn!(error = %e, "the scheduler is down and staff could not be told yet"),
        }
        Err(failed)
    }

    /// Takes what is due for an order whose attention time has come, then sets the next
    /// time (from the order as now saved, with what was just taken counted as taken).
    async fn attend(&self, order: Order, now: DateTime<Utc>, estimates: &Estimates) -> Result<TickReport, DeskError> {
        let mut report = TickReport {
            orders_checked: 1,
            ..TickReport::default()
        };
        let local = now.with_timezone(&order.time_zone);
        let items = due(&order, local.date_naive(), local.time(), &self.mail.cadence);
        let taken: Vec<String> = items.iter().map(|d| d.key.clone()).collect();
        let estimate = estimates.get(&order.carrier).cloned().unwrap_or_default();
        let mut saved = None;
        for item in &items {
            let on = saved.as_ref().unwrap_or(&order);
            match self.remind(on, item, &taken, &estimate, now).await? {
                Some(order) => {
                    match item.reminder.to_customer() {
                        true => report.customer_reminders += 1,
                        false => report.staff_alerts += 1,
                    }
                    saved = Some(order);
                }
                None => report.already_done += 1,
            }
        }
        // A saved reminder set the next attention time with it; else it is set here
        // (unless the order changed meanwhile: that change set its own).
        if saved.is_none() {
            let next = next_attention(&order, now, &self.mail.cadence, &taken);
            self.store.set_attention(&order.reference, order.version, next).await?;
        }
        Ok(report)
    }

    /// Saves one due reminder under its key: the order as saved, or none when the
    /// reminder was already saved.
    async fn remind(
        &self,
        first: &Order,
        item: &Due,
        taken: &[String],
        estimate: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Order>, DeskError> {
        super::on_fresh_state(move |tries| async move {
            // The order the tick loaded, then (after a lost race) the order as saved now.
            let order = match tries {
                1 => first.clone(),
                _ => self.order(&first.reference).await?,
            };
            let mail = match item.reminder.to_customer() {
                true => self.mail_facts_with(&order, now, estimate.to_string()).await?,
                // A staff alert writes to no contact: their mail history is not read.
                false => MailFacts::default(),
            };
            let (text, outbox) = self.reminder_messages(&order, item.reminder, &mail, now)?;
            let event = if item.reminder.to_customer() {
                "reminder_sent"
            } else {
                "staff_alerted"
            };
            let applied = crate::domain::lifecycle::apply(&order, Event::Logged { event, text }, now)?;
            let mut change = self.change_from(&order, applied, Source::Scheduler, &mail, now)?;
            change.once = Some(item.key.clone());
            change.outbox.extend(outbox);
            // When it next needs the desk, counting all this tick takes as taken.
            change.attention_at = next_attention(&change.order, now, &self.mail.cadence, taken);
            let mut saved = change.order.clone();
            saved.version += 1;
            match self.store.save(change).await {
                Ok(()) => Ok(Some(saved)),
                Err(StoreError::AlreadyApplied(_)) => Ok(None),
                Err(e) => Err(e.into()),
            }
        })
        .await
    }

    /// The timeline text and the messages of a reminder.
    fn reminder_messages(
        &self,
        order: &Order,
        reminder: Reminder,
        facts: &MailFacts,
        now: DateTime<Utc>,
    ) -> Result<(String, Vec<crate::domain::OutboxDraft>), DeskError> {
        match plan(reminder, order, self.mail.cadence.correction_alert_day) {
            Plan::Customer(mail, what) => {
                let drafts = self.customer_mail(order, mail, &Addressing::default(), facts, now)?;
                let to: Vec<&str> = drafts.iter().map(|d| d.to.as_str()).collect();
                let text = if to.is_empty() {
                    format!("{what} not sent: no contact can be written to today (bounced or at the daily limit)")
                } else {
                    format!("{what} e-mailed to {}", to.join(", "))
                };
                Ok((text, drafts))
            }
            Plan::Staff { alert, days, text } => {
                let order = self.card(order, &[]);
                let post = self.post(StaffPost::Alert { alert, order, days })?;
                Ok((text, vec![post]))
            }
        }
    }
}

impl Desk {
    /// Staff ask for the customer to be reminded now of what the order waits for from
    /// them (held for the sending window like every reminder).
    pub async fn remind_now(&self, reference: &crate::domain::OrderRef, by: &str) -> Result<super::Outcome, DeskError> {
        super::on_fresh_state(move |_| async move {
            let order = self.order(reference).await?;
            let now = self.clock.now();
            let mail = self.mail_facts(&order, now).await?;
            let mails = crate::domain::customer_mail::asked_for(&order);
            if mails.is_empty() {
                let waits = order
                    .blockers()
                    .into_iter()
                    .map(|b| format!("{} ({:?})", b.what, b.who).to_lowercase());
                return Err(DeskError::NothingToRemind(
                    order.reference.clone(),
                    waits.collect::<Vec<_>>().join("; "),
                ));
            }
            let mut outbox = Vec::new();
            let mut what = Vec::new();
            for (letter, name) in mails {
                outbox.extend(self.customer_mail(&order, letter, &Addressing::default(), &mail, now)?);
                what.push(name);
            }
            let mut to: Vec<String> = outbox.iter().map(|d| d.to.clone()).collect();
            to.dedup();
            let text = if to.is_empty() {
                format!(
                    "{} not sent: no contact can be written to today (asked by {by})",
                    what.join(" and ")
                )
            } else {
                format!("{} e-mailed to {} (asked by {by})", what.join(" and "), to.join(", "))
            };
            let applied = crate::domain::lifecycle::apply(
                &order,
                Event::Logged {
                    event: "reminder_sent",
                    text: text.clone(),
                },
                now,
            )?;
            let mut change = self.change_from(&order, applied, Source::Chat(by.to_string()), &mail, now)?;
            change.outbox.extend(outbox);
            self.store.save(change).await?;
            Ok(super::Outcome {
                order: self.order(reference).await?,
                text,
            })
        })
        .await
    }
}

/// What a reminder sends.
enum Plan {
    Customer(CustomerMail, String),
    Staff { alert: Alert, days: i64, text: String },
}

fn plan(reminder: Reminder, order: &Order, correction_alert_day: i32) -> Plan {
    let staff = |alert, days, text: String| Plan::Staff { alert, days, text };
    match reminder {
        Reminder::Loa { n, of } => {
            Plan::Customer(CustomerMail::LoaReminder { n, of }, format!("LOA reminder {n} of {of}"))
        }
        Reminder::Bill { n, of } => Plan::Customer(
            CustomerMail::BillReminder { n, of },
            format!("bill reminder {n} of {of}"),
        ),
        Reminder::Correction { n, of } => Plan::Customer(
            CustomerMail::CorrectionReminder { n, of },
            format!("correction reminder {n} of {of}"),
        ),
        Reminder::Routing { days } => Plan::Customer(
            CustomerMail::RoutingRequest,
            format!("routing request, {days} business day(s) before port day"),
        ),
        Reminder::DocumentsOverdue => staff(
            Alert::DocumentsOverdue,
            0,
            "staff alerted: documents still missing after the last reminder".to_string(),
        ),
        Reminder::RejectionUnfixed => {
            let days = i64::from(correction_alert_day);
            staff(
                Alert::RejectionUnfixed,
                days,
                format!("staff alerted: rejection not fixed after {days} business days"),
            )
        }
        Reminder::RoutingUnconfirmed { days } => staff(
            Alert::RoutingUnconfirmed,
            i64::from(days),
            format!("staff alerted: routing unconfirmed {days} business day(s) before port day"),
        ),
        Reminder::CarrierSilent { days } => staff(
            Alert::CarrierSilent,
            days,
            format!("staff alerted: {} silent for {days} business days", order.carrier),
        ),
        Reminder::KeepServiceActive => Plan::Customer(
            CustomerMail::KeepServiceActive,
            "the customer asked to keep the old service active until the port".to_string(),
        ),
        Reminder::ReadyIdle { days } => staff(
            Alert::ReadyIdle,
            days,
            format!("staff alerted: ready for {days} business day(s) and not submitted"),
        ),
        Reminder::FocPassed { days } => staff(
            Alert::FocPassed,
            days,
            format!("staff alerted: the FOC date passed {days} business day(s) ago with no completion"),
        ),
        Reminder::ContractEnding { days } => staff(
            Alert::ContractEnding,
            days,
            format!("staff alerted: the customer's contract ends in {days} day(s)"),
        ),
    }
}
