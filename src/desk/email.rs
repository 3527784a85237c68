//! An inbound e-mail at the desk: read once, matched to its order, decided (pure, in
//! `inbound`), then saved with its effects, its staff hand-off and the mailbox
//! checkpoint in one transaction. IMAP, the local inbox folder and `portbot ingest`
//! all end here after fetching.

use super::customer_mail::daily_limit_since;
use super::letter::Letter;
use super::{Desk, DeskError, MailFacts};
use crate::auth::Authentication;
use crate::domain::inbound::{match_order, plan, Facts, Match, Message, Plan, Sender, Taken};
use crate::domain::{EmailAddress, Handoff, InboundMessage, Order, OutboxDraft, Source, StaffItem, StaffItemStatus};
use crate::parse::classify::Kind;
use crate::store::{InboundRecord, MailHistory, OrderChange, StoreError};
use crate::texts::StaffPost;
use sha2::{Digest, Sha256};

/// Where a message was found: a mailbox and its UID there. Files have no UIDVALIDITY
/// (0) and no checkpoint; their UID is taken from their content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub mailbox: String,
    pub uidvalidity: i64,
    pub uid: i64,
}

impl Origin {
    pub fn imap(mailbox: &str, uidvalidity: u32, uid: u32) -> Self {
        Self {
            mailbox: mailbox.to_string(),
            uidvalidity: i64::from(uidvalidity),
            uid: i64::from(uid),
        }
    }

    /// A file (an `.eml` dropped in the inbox folder or given to `portbot ingest`).
    pub fn file(raw: &[u8]) -> Self {
        let digest = Sha256::digest(raw);
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        Self {
            mailbox: "file".to_string(),
            uidvalidity: 0,
            uid: (u64::from_be_bytes(first) >> 1) as i64,
        }
    }
}

/// A message read and its sender's authentication checked: all the desk learns of it
/// before it looks at the store. An inbox reads the next messages while the desk takes
/// this one (`Desk::read_email`, then `Desk::take_read` in mailbox order).
pub struct ReadEmail {
    letter: Letter,
    authentication: Authentication,
}

impl Desk {
    /// Takes one inbound message: applies it to its order, or hands it to staff, exactly
    /// once. Only a failing database is an error; nothing the message says is.
    pub async fn take_email(&self, raw: &[u8], origin: Origin) -> Result<Taken, DeskError> {
        let read = self.read_email(raw).await;
        self.take_read(read, origin).await
    }

    /// Reads a message and authenticates its sender, without the store: safe to run
    /// ahead of, and beside, the taking of earlier messages.
    pub async fn read_email(&self, raw: &[u8]) -> ReadEmail {
        let letter = Letter::read_within(raw, &self.reading).await;
        if let Some(elapsed) = letter.read_in {
            self.health.message_read(elapsed);
        }
        let authentication = crate::auth::authenticate(&self.verifier, raw).await;
        ReadEmail { letter, authentication }
    }

    /// A message too large to fetch whole (`size` bytes), known by its header block:
    /// handed to a person like any message the bot does not read.
    pub async fn read_too_large(&self, header: &[u8], size: usize) -> ReadEmail {
        let letter = Letter::too_large(header, size, self.reading.max_bytes);
        let authentication = crate::auth::authenticate(&self.verifier, header).await;
        ReadEmail { letter, authentication }
    }

    /// A message whose reading failed outright (the reader panicked): kept whole and
    /// handed to a person.
    pub fn read_failed(&self, raw: &[u8]) -> ReadEmail {
        ReadEmail {
            letter: Letter::not_read(raw.to_vec(), "the bot failed while reading it"),
            authentication: Authentication::Unverified {
                domain: None,
                why: "the message could not be read, so its sender was not checked".into(),
                dmarc_failed: false,
            },
        }
    }

    /// Takes a message read by `read_email`: exactly once, in one transaction.
    #[tracing::instrument(name = "email", skip_all, fields(mailbox = %origin.mailbox, uid = origin.uid))]
    pub async fn take_read(&self, read: ReadEmail, origin: Origin) -> Result<Taken, DeskError> {
        self.take_letter(read.letter, read.authentication, origin).await
    }

    /// The largest message the inbox fetches whole.
    pub fn max_message_bytes(&self) -> usize {
        self.reading.max_bytes
    }

    /// Load, decide, render, save: the order the letter is about and what writing to
    /// its contacts needs, then the pure `plan`, its messages rendered, and all of it
    /// saved in one transaction (which re-checks the order's version and the daily limits).
    async fn take_letter(
        &self,
        letter: Letter,
        authentication: Authentication,
        origin: Origin,
    ) -> Result<Taken, DeskError> {
        let mut letter = self.fitting_bill_first(letter).await?;
        letter.parsed.invoice = letter.parsed.invoice.take().map(|b| self.stamped(b));
        let (letter, authentication, origin) = (&letter, &authentication, &origin);
        super::on_fresh_state(move |_| async move {
            let now = self.clock.now();
            let context = self.letter_context(letter, authentication, now).await?;
            let message = self.message(letter, authentication);
            let facts = context.facts(letter, now);
            let plan = plan(&message, &context.matched, facts.as_ref(), now);
            let taken = plan.taken.clone();
            let record = self.inbound_record(letter, plan, &context, origin, now)?;
            let record = self
                .with_other_bills(record, letter, authentication, &context, now)
                .await?;
            let event = record.change.as_ref().map(|c| c.entry.event.clone());
            match self.store.record_inbound(record).await {
                Ok(()) => {
                    self.estimates.saved(event.as_deref().unwrap_or_default());
                    tracing::info!(
                        message_id = %letter.message_id,
                        kind = letter.parsed.kind.as_str(),
                        outcome = %taken.describe(),
                        "inbound message taken"
                    );
                    Ok(taken)
                }
                Err(StoreError::AlreadyApplied(_)) => {
                    if origin.uidvalidity != 0 {
                        self.store
                            .advance_checkpoint(&origin.mailbox, origin.uidvalidity, origin.uid)
                            .await?;
                    }
                    Ok(Taken::AlreadySeen)
                }
                Err(e) => Err(e.into()),
            }
        })
        .await
    }

    /// The letter as the decision reads it.
    pub(super) fn message<'l>(&self, letter: &'l Letter, authentication: &Authentication) -> Message<'l> {
        Message {
            parsed: &letter.parsed,
            sender: letter.sender.as_ref(),
            sender_text: letter.sender_text(),
            message_id: &letter.message_id,
            language: letter.language(),
            may_answer: letter.may_answer(&self.mail.inbox_address),
            proven: letter.sender.as_ref().is_some_and(|from| {
                authentication
                    .proven_domain()
                    .is_some_and(|d| d.eq_ignore_ascii_case(from.domain()))
            }),
        }
    }

    /// Everything the decision about a letter reads from the store.
    async fn letter_context(
        &self,
        letter: &Letter,
        authentication: &Authentication,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<LetterContext, DeskError> {
        let (matched, order, named, history) = self.match_letter(letter, now).await?;
        let sender = match &letter.sender {
            Some(from) => self.trust.sender(from, authentication, order.as_ref()),
            None => Sender::Stranger,
        };
        let mail = match (&order, history) {
            (Some(order), Some(history)) => self.mail_facts_from(order, history).await?,
            (Some(order), None) => self.mail_facts(order, now).await?,
            (None, _) => MailFacts::default(),
        };
        // A question past the daily limit already waiting for a person today: one is enough.
        let at_limit = |from: &EmailAddress| mail.sent_today.get(from).is_some_and(|n| *n >= self.mail.daily_limit);
        let question_waiting = match (&order, letter.parsed.kind, &letter.sender) {
            (Some(order), Kind::StatusQuestion, Some(from)) if at_limit(from) => {
                let since = daily_limit_since(now);
                self.store
                    .open_items_on(&order.reference, "status_question", since)
                    .await?
                    > 0
            }
            _ => false,
        };
        Ok(LetterContext {
            question_waiting,
            matched,
            order,
            named,
            sender,
            mail,
        })
    }

    /// The change a plan makes to the letter's order, with the e-mails it sends.
    pub(super) fn planned_change(
        &self,
        letter: &Letter,
        plan: &Plan,
        context: &LetterContext,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<OrderChange>, DeskError> {
        let (Some(applied), Some(order)) = (plan.applied.clone(), &context.order) else {
            return Ok(None);
        };
        let source = Source::Email(letter.sender_text());
        let mut change = self.change_from(order, applied, source, &context.mail, now)?;
        for (mail, addressing) in &plan.mails {
            let drafts = self.customer_mail(&change.order, *mail, addressing, &context.mail, now)?;
            change.outbox.extend(drafts);
        }
        Ok(Some(change))
    }

    /// The plan answers a contact's question, and that contact has had the day's
    /// automatic e-mails already: no answer will go.
    fn question_over_the_limit(&self, plan: &Plan, context: &LetterContext) -> bool {
        !context.question_waiting
            && plan.mails.iter().any(|(mail, addressing)| {
                *mail == crate::domain::customer_mail::CustomerMail::StatusReply
                    && addressing.only.as_ref().is_some_and(|to| {
                        context.mail.sent_today.get(to).copied().unwrap_or(0) >= self.mail.daily_limit
                    })
            })
    }

    /// The plan with its messages rendered: what `record_inbound` saves.
    fn inbound_record(
        &self,
        letter: &Letter,
        plan: Plan,
        context: &LetterContext,
        origin: &Origin,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<InboundRecord, DeskError> {
        let documents = if plan.keep_documents {
            letter.documents()
        } else {
            Vec::new()
        };
        let change = self.planned_change(letter, &plan, context, now)?;
        let handoff = match &plan.taken {
            Taken::HandedToStaff { order, reason } => Some(Handoff {
                order: order.clone(),
                reason: reason.clone(),
                raw: letter.raw.clone(),
            }),
            // A contact's question the daily limit keeps the bot from answering: a person does.
            Taken::Applied { order, .. } if self.question_over_the_limit(&plan, context) => Some(Handoff {
                order: Some(order.clone()),
                reason: format!(
                    "the contact asks where the port stands but has had {} automatic e-mails today (the daily limit): answer them in person",
                    self.mail.daily_limit
                ),
                raw: letter.raw.clone(),
            }),
            _ => None,
        };
        let message = letter.inbound_message(origin, plan.taken.describe(), now);
        let mut posts = match &handoff {
            Some(h) => vec![self.needs_person_post(&message, h)?],
            None => Vec::new(),
        };
        if let Some(to) = &plan.refuse {
            let language = letter.language().unwrap_or_default();
            posts.push(self.cannot_share(to, &letter.message_id, language, now)?);
        }
        Ok(InboundRecord {
            also: Vec::new(),
            message,
            change,
            handoff,
            documents,
            posts,
        })
    }

    /// Our reference (subject, body, PON), our own Message-IDs in the thread, then the
    /// sender's open orders (or, for a trusted sender, the orders holding the numbers)
    /// narrowed by the numbers named.
    /// Also says whether a reference named the order (not only its numbers), and the
    /// order's mail history when it was read with the order.
    async fn match_letter(
        &self,
        letter: &Letter,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(Match, Option<Order>, bool, Option<MailHistory>), DeskError> {
        let (matched, order, named, history) = self.match_by_reference(letter, now).await?;
        let kept = order.as_ref().map(|o| o.reference.clone());
        let (matched, order, named) = self.refile_bill(letter, matched, order, named).await?;
        // A bill refiled on another order leaves the history read with the first behind.
        let history = history.filter(|_| order.as_ref().map(|o| &o.reference) == kept.as_ref());
        Ok((matched, order, named, history))
    }

    /// The order the letter's reference, thread or numbers name; with its mail history
    /// (since the daily limit's start) when a reference named it, read in the same
    /// round trip.
    async fn match_by_reference(
        &self,
        letter: &Letter,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(Match, Option<Order>, bool, Option<MailHistory>), DeskError> {
        let named = letter.parsed.order_ref.clone();
        let threaded = letter
            .mail
            .as_ref()
            .and_then(|m| self.trust.reference_in_thread(&m.thread_ids));
        let since = daily_limit_since(now);
        for reference in named.into_iter().chain(threaded) {
            if let Some((order, history)) = self.store.order_with_mail_history(&reference, since).await? {
                return Ok((match_order(Some(&order), &[], &[]), Some(order), true, Some(history)));
            }
        }
        let numbers = letter.numbers();
        let Some(from) = &letter.sender else {
            return Ok((Match::Unmatched, None, false, None));
        };
        let mut candidates = self.store.open_orders_of_contact(from).await?;
        if candidates.is_empty() && self.trust.is_trusted(from) {
            if let Some(first) = numbers.first() {
                candidates = self.store.orders_with_number(first).await?;
                candidates.retain(|o| o.state.is_open());
            }
        }
        let matched = match_order(None, &candidates, &numbers);
        let order = match &matched {
            Match::Found(r) => candidates.into_iter().find(|o| o.reference == *r),
            _ => None,
        };
        Ok((matched, order, false, None))
    }

    pub(super) fn needs_person_post(
        &self,
        message: &InboundMessage,
        handoff: &Handoff,
    ) -> Result<OutboxDraft, DeskError> {
        let item = StaffItem {
            // Numbered by the store when it saves the item, in the same transaction.
            id: 0,
            message_id: message.key.message_id.clone(),
            order_ref: handoff.order.clone(),
            sender: message.sender.clone(),
            subject: message.subject.clone(),
            kind: message.kind.clone(),
            reason: handoff.reason.clone(),
            status: StaffItemStatus::Open,
            created_at: message.received_at,
            resolved_by: None,
            raw: Vec::new(),
        };
        self.post(StaffPost::needs_person(item))
    }
}

/// What the store holds that the decision about a letter reads.
pub(super) struct LetterContext {
    pub(super) matched: Match,
    pub(super) order: Option<Order>,
    /// Our reference (not only its numbers) named the order.
    pub(super) named: bool,
    pub(super) sender: Sender,
    pub(super) mail: MailFacts,
    /// A question of the same contact's order past the daily limit already waits for a person.
    pub(super) question_waiting: bool,
}

impl LetterContext {
    /// What the desk knows of the letter besides what it says, when an order matched.
    pub(super) fn facts<'c>(&'c self, letter: &Letter, now: chrono::DateTime<chrono::Utc>) -> Option<Facts<'c>> {
        let order = self.order.as_ref()?;
        Some(Facts {
            order,
            sender: self.sender.clone(),
            named: self.named,
            names_a_contact: letter.names_any(&order.contacts),
            today: now.with_timezone(&order.time_zone).date_naive(),
            summary: letter.summary(),
            failed_recipient: letter.failed_contact(order),
        })
    }
}
