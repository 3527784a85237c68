//! The desk: every input becomes an event on an order. It loads the order, lets the
//! pure lifecycle decide, and has the store save the new order with its timeline entry
//! and outbox messages in one transaction. Staff posts are rendered here from `prompts/`.

use crate::clock::Clock;
use crate::domain::{Event, Order, OrderRef, OutboxDraft, PhoneNumber, PortRequest, Source, TimelineEntry};
use crate::store::{OrderChange, OrderFilter, Store, StoreError};
use crate::texts::{StaffPost, Texts};

mod bills;
mod customer_letter;
mod customer_mail;
mod customers;
mod dates;
mod digest;
mod email;
mod error;
mod estimates;
mod held;
pub mod intake;
mod letter;
mod outbox;
mod scheduler;
mod staff_queue;
mod trust;
pub use crate::domain::customer_mail::{Addressing, CustomerMail};
pub use crate::domain::inbound::Taken;
pub use customer_letter::{render as render_customer_mail, render_linked as render_customer_mail_linked, Letter};
use customer_mail::MailFacts;
pub use customer_mail::MailSettings;
pub use customers::CustomerChange;
pub use dates::long_date;
pub use email::{Origin, ReadEmail};
pub use error::DeskError;
pub use outbox::Sending;
pub use scheduler::TickReport;
use std::sync::Arc;
pub use trust::Trust;

/// How often a save that lost a race with another writer is tried again.
const SAVE_ATTEMPTS: usize = 5;

/// Runs `attempt` (load, decide, save) again while its save loses a race with another
/// writer (a `Conflict`: what it loaded changed meanwhile), at most `SAVE_ATTEMPTS` times.
/// Each attempt (numbered from 1) loads afresh, so it decides on what is saved now.
async fn on_fresh_state<T, Attempt>(mut attempt: impl FnMut(usize) -> Attempt) -> Result<T, DeskError>
where
    Attempt: std::future::Future<Output = Result<T, DeskError>>,
{
    let mut tries = 0;
    loop {
        tries += 1;
        match attempt(tries).await {
            Err(DeskError::Store(crate::store::StoreError::Conflict(_))) if tries < SAVE_ATTEMPTS => continue,
            done => return done,
        }
    }
}

/// An order with its whole timeline.
#[derive(Debug, Clone)]
pub struct OrderFile {
    pub order: Order,
    pub timeline: Vec<TimelineEntry>,
}

/// What an applied event did, for the reply to whoever caused it.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub order: Order,
    pub text: String,
}

pub struct Desk {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    texts: Arc<Texts>,
    trust: Trust,
    verifier: Arc<crate::auth::Verifier>,
    reading: letter::ReadingLimits,
    mail: MailSettings,
    health: Arc<crate::health::Health>,
    /// Each carrier's estimate, read again every few minutes.
    estimates: Arc<estimates::Estimates>,
    /// The oldest a bill may be when it comes (`desk.bill_max_age_days`).
    bill_max_age_days: u32,
}

impl Desk {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        let health = Arc::new(crate::health::Health::new(clock.clone()));
        Self {
            store,
            clock,
            texts: Arc::new(Texts::new()),
            trust: Trust::default(),
            verifier: Arc::new(crate::auth::Verifier::off()),
            reading: letter::ReadingLimits::default(),
            mail: MailSettings::default(),
            health,
            estimates: Arc::default(),
            bill_max_age_days: crate::domain::bill::BILL_MAX_AGE_DAYS,
        }
    }

    /// The oldest a bill may be when it comes, in days: an older one asks for the latest.
    pub fn with_bill_max_age_days(mut self, days: u32) -> Self {
        self.bill_max_age_days = days;
        self
    }

    /// Where the parts of the bot say whether they are up (`/healthz`).
    pub fn health(&self) -> &Arc<crate::health::Health> {
        &self.health
    }

    /// How the desk writes to customers.
    pub fn with_mail(mut self, mail: MailSettings) -> Self {
        self.mail = mail;
        self
    }

    /// Who the inbox believes: the trusted carrier and vendor domains, our own domain.
    pub fn with_trust(mut self, trust: Trust) -> Self {
        self.trust = trust;
        self
    }

    /// How large a message the inbox reads, and how long it may take.
    pub fn with_reading_limits(mut self, max_bytes: usize, budget: std::time::Duration) -> Self {
        self.reading.max_bytes = max_bytes;
        self.reading.budget = budget;
        self
    }

    /// How the inbox learns who really sent a message (checks are off until given).
    pub fn with_verifier(mut self, verifier: crate::auth::Verifier) -> Self {
        self.verifier = Arc::new(verifier);
        self
    }

    pub fn texts(&self) -> &Texts {
        &self.texts
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Opens an order for a port request, with the "new order" post for staff and no
    /// e-mail (staff tell the customer themselves: `open ... quiet`).
    #[tracing::instrument(name = "open", skip_all, fields(customer = %request.customer, by = %source))]
    pub async fn open_order(&self, request: PortRequest, source: Source) -> Result<Order, DeskError> {
        self.open_by_staff(request, source, false).await
    }

    /// Opens an order staff made for a customer, and tells its contacts what it is and
    /// what happens next (at once, in the same transaction).
    pub async fn open_and_acknowledge(&self, request: PortRequest, source: Source) -> Result<Order, DeskError> {
        self.open_by_staff(request, source, true).await
    }

    async fn open_by_staff(
        &self,
        mut request: PortRequest,
        source: Source,
        acknowledge: bool,
    ) -> Result<Order, DeskError> {
        let now = self.clock.now();
        // Check the request before a reference is spent on it.
        request.check()?;
        // The account as every other place writes it (`acme-001` is ACME-001).
        request.customer = crate::domain::customer::check_account(&request.customer).unwrap_or(request.customer);
        // A known account must be onboarded; an account the desk has never heard of is
        // staff's own call (orders opened by hand for accounts kept elsewhere).
        if let Some(customer) = self.store.customer(&request.customer).await? {
            if !customer.onboarded {
                return Err(DeskError::NotOnboarded(customer.account));
            }
        }
        let reference = self.store.reserve_ref().await?;
        let order = request.open(reference, now)?;
        let text = format!(
            "opened: {} number(s) from {} for {}",
            order.numbers.len(),
            order.carrier,
            order.customer
        );
        let entry = TimelineEntry {
            at: now,
            source: source.to_string(),
            event: "opened".into(),
            text,
        };
        let mut outbox = vec![self.post(StaffPost::NewOrder {
            order: self.card(&order, std::slice::from_ref(&entry)),
        })?];
        if acknowledge {
            let facts = self.mail_facts(&order, now).await?;
            let mail = crate::domain::customer_mail::CustomerMail::OrderOpened;
            outbox.extend(self.customer_mail(&order, mail, &Default::default(), &facts, now)?);
        }
        self.store
            .insert_order(OrderChange {
                documents: Vec::new(),
                attention_at: self.attention(&order, now),
                order: order.clone(),
                entry,
                outbox,
                lines_changed: true,
                once: None,
                withdraw: Vec::new(),
            })
            .await?;
        Ok(self.store.order(&order.reference).await?.unwrap_or(order))
    }

    /// Applies an event to an order and saves it, trying again if another writer
    /// changed the order meanwhile.
    #[tracing::instrument(name = "event", skip_all, fields(order = %reference, by = %source))]
    pub async fn act(&self, reference: &OrderRef, event: Event, source: Source) -> Result<Outcome, DeskError> {
        self.act_with_files(reference, event, source, Vec::new()).await
    }

    /// The same, saving these files with the change.
    async fn act_with_files(
        &self,
        reference: &OrderRef,
        event: Event,
        source: Source,
        documents: Vec<crate::domain::Document>,
    ) -> Result<Outcome, DeskError> {
        let (event, source, documents) = (&event, &source, &documents);
        on_fresh_state(move |_| async move {
            let now = self.clock.now();
            let order = self.order(reference).await?;
            let mail = self.mail_facts(&order, now).await?;
            let applied = crate::domain::lifecycle::apply(&order, event.clone(), now)?;
            let text = applied.text.clone();
            let mut change = self.change_from(&order, applied, source.clone(), &mail, now)?;
            change.documents = documents.clone();
            let event = change.entry.event.clone();
            self.store.save(change).await?;
            self.estimates.saved(&event);
            let order = self.order(reference).await?;
            Ok(Outcome { order, text })
        })
        .await
    }

    /// The change an applied event makes: its timeline entry, and the staff post and
    /// customer e-mail its notice calls for.
    pub(super) fn change_from(
        &self,
        before: &Order,
        applied: crate::domain::Applied,
        source: Source,
        mail: &MailFacts,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<OrderChange, DeskError> {
        let entry = TimelineEntry {
            at: now,
            source: source.to_string(),
            event: applied.event.into(),
            text: applied.text.clone(),
        };
        let mut outbox = Vec::new();
        if let Some(notice) = applied.notice {
            let order = self.card(&applied.order, std::slice::from_ref(&entry));
            outbox.push(self.post(StaffPost::Notice { notice, order })?);
            if let Some(letter) = crate::domain::customer_mail::for_notice(notice) {
                let everyone = Addressing::default();
                outbox.extend(self.customer_mail(&applied.order, letter, &everyone, mail, now)?);
            }
        }
        let queued: Vec<String> = outbox
            .iter()
            .filter(|d| d.channel == crate::domain::Channel::Email)
            .map(|d| d.template.clone())
            .collect();
        Ok(OrderChange {
            documents: Vec::new(),
            withdraw: crate::domain::customer_mail::withdrawn_by(before, &applied.order, &queued),
            lines_changed: OrderChange::lines_differ(before, &applied.order),
            once: None,
            attention_at: self.attention(&applied.order, now),
            order: applied.order,
            entry,
            outbox,
        })
    }

    /// When a changed order next needs the desk: whatever is due already counts as not
    /// yet taken, so the next tick looks at it.
    pub(super) fn attention(
        &self,
        order: &Order,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Option<chrono::DateTime<chrono::Utc>> {
        crate::domain::attention::next_attention(order, now, &self.mail.cadence, &[])
    }

    pub async fn order(&self, reference: &OrderRef) -> Result<Order, DeskError> {
        self.store
            .order(reference)
            .await?
            .ok_or_else(|| DeskError::UnknownOrder(reference.clone()))
    }

    pub async fn order_file(&self, reference: &OrderRef) -> Result<OrderFile, DeskError> {
        let order = self.order(reference).await?;
        let timeline = self.store.timeline(reference).await?;
        Ok(OrderFile { order, timeline })
    }

    /// Before a closed order opens again: none of its numbers is on another open order.
    pub async fn check_numbers_free(&self, reference: &OrderRef) -> Result<(), DeskError> {
        let order = self.order(reference).await?;
        for line in &order.numbers {
            let others = self.store.orders_with_number(&line.number).await?;
            if let Some(other) = others
                .iter()
                .find(|o| o.reference != order.reference && o.state.is_open())
            {
                return Err(StoreError::NumberTaken {
                    number: line.number,
                    reference: other.reference.clone(),
                    state: other.state,
                }
                .into());
            }
        }
        Ok(())
    }

    /// The orders a number is (or was) on, open ones first.
    pub async fn orders_with_number(&self, number: &PhoneNumber) -> Result<Vec<Order>, DeskError> {
        let orders = self.store.orders_with_number(number).await?;
        if orders.is_empty() {
            return Err(DeskError::NoOrderForNumber(number.pretty()));
        }
        Ok(orders)
    }

    pub async fn list(&self, filter: &OrderFilter) -> Result<Vec<Order>, DeskError> {
        Ok(self.store.list_orders(filter).await?)
    }

    /// How far a mailbox has been read.
    pub async fn checkpoint(&self, mailbox: &str) -> Result<Option<crate::store::Checkpoint>, DeskError> {
        Ok(self.store.checkpoint(mailbox).await?)
    }

    /// How the desk writes to the staff channel.
    fn staff_posts(&self) -> outbox::StaffPosts {
        outbox::StaffPosts::new(self.texts.clone(), self.mail.default_time_zone)
    }

    /// The order as staff posts show it, with these timeline entries.
    pub(super) fn card(&self, order: &Order, timeline: &[TimelineEntry]) -> crate::views::OrderCard {
        self.staff_posts().card(order, timeline)
    }

    /// A post for the staff channel.
    pub(super) fn post(&self, post: StaffPost) -> Result<OutboxDraft, DeskError> {
        self.staff_posts().post(post)
    }

    /// The outbox as the sending workers see it: only the outbox and the order reads
    /// its alerts need.
    pub fn sending(&self) -> Sending {
        Sending {
            store: self.store.clone(),
            orders: self.store.clone(),
            clock: self.clock.clone(),
            posts: self.staff_posts(),
            health: self.health.clone(),
        }
    }
}
