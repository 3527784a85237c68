//! An inbound e-mail at the desk: read once, matched to its order, decided (pure, in
//! `inbound`), then saved with its effects, its staff hand-off and the mailbox
//! checkpoint in one transaction. IMAP, the local inbox folder and `portbot ingest`
//! all end here after fetching.

use super::customer_mail::{Addressing, CustomerMail};
use super::inbound::{decide, match_order, Decision, Facts, Match, Outcome as Action, Sender, StaffReason};
use super::letter::Letter;
use super::{Desk, DeskError};
use crate::auth::Authentication;
use crate::domain::{
    Event, Handoff, InboundKey, InboundMessage, Order, OrderRef, OutboxDraft, Source, StaffItem, StaffItemStatus,
};
use crate::parse::classify::Kind;
use crate::store::{InboundRecord, StoreError};
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

/// What the desk did with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    /// It changed (or was recorded on) an order.
    Applied { order: OrderRef, event: String },
    /// It waits in the staff queue, filed on an order when one is known.
    HandedToStaff { order: Option<OrderRef>, reason: String },
    /// It was applied before (same place in the mailbox, or same Message-ID).
    AlreadySeen,
}

impl Taken {
    pub fn describe(&self) -> String {
        match self {
            Taken::Applied { order, event } => format!("{event} on {order}"),
            Taken::HandedToStaff { order: Some(o), reason } => format!("handed to staff ({o}): {reason}"),
            Taken::HandedToStaff { order: None, reason } => format!("handed to staff: {reason}"),
            // Taken before: applied then, or handed to staff; either way not again.
            Taken::AlreadySeen => {
                "already taken earlier (applied, or waiting in `inbox`): nothing done again".to_string()
            }
        }
    }
}

impl Desk {
    /// Takes one inbound message: applies it to its order, or hands it to staff, exactly
    /// once. Only a failing database is an error; nothing the message says is.
    pub async fn take_email(&self, raw: &[u8], origin: Origin) -> Result<Taken, DeskError> {
        let letter = Letter::read_within(raw, &self.reading).await;
        if let Some(elapsed) = letter.read_in {
            self.health.message_read(elapsed);
        }
        self.take_letter(letter, raw, origin).await
    }

    /// A message too large to fetch whole (`size` bytes), known by its header block:
    /// handed to a person like any message the bot does not read.
    pub async fn take_too_large(&self, header: &[u8], size: usize, origin: Origin) -> Result<Taken, DeskError> {
        let letter = Letter::too_large(header, size, self.reading.max_bytes);
        self.take_letter(letter, header, origin).await
    }

    /// The largest message the inbox fetches whole.
    pub fn max_message_bytes(&self) -> usize {
        self.reading.max_bytes
    }

    async fn take_letter(&self, letter: Letter, raw: &[u8], origin: Origin) -> Result<Taken, DeskError> {
        let authentication = crate::auth::authenticate(&self.verifier, raw).await;
        let (letter, authentication, origin) = (&letter, &authentication, &origin);
        super::on_fresh_state(move |_| async move {
            let (record, taken) = self.decide_letter(letter, authentication, origin).await?;
            match self.store.record_inbound(record).await {
                Ok(()) => {
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

    /// Finds the order and decides; returns what to record and what it means.
    async fn decide_letter(
        &self,
        letter: &Letter,
        authentication: &Authentication,
        origin: &Origin,
    ) -> Result<(InboundRecord, Taken), DeskError> {
        let now = self.clock.now();
        let (matched, order, named) = self.match_letter(letter).await?;
        let sender = match &letter.sender {
            Some(from) => self.trust.sender(from, authentication, order.as_ref()),
            None => Sender::Stranger,
        };
        let decision = match (&matched, &order) {
            (Match::Found(_), Some(order)) => decide(
                &letter.parsed,
                &Facts {
                    order,
                    sender: sender.clone(),
                    named,
                    names_a_contact: letter.names_any(&order.contacts),
                    today: now.with_timezone(&order.time_zone).date_naive(),
                    summary: letter.summary(),
                    failed_recipient: letter.failed_contact(order),
                },
            ),
            (Match::Ambiguous(refs), _) => Decision {
                outcome: None,
                staff: Some(StaffReason::Ambiguous(refs.clone())),
            },
            // Mail the bot could not read says so, rather than "no order matches".
            _ => Decision {
                outcome: None,
                staff: Some(match (&letter.parsed.error, letter.parsed.kind) {
                    (Some(error), _) => StaffReason::NotUnderstood(error.clone()),
                    (None, Kind::Unknown) if letter.sender.is_none() => {
                        StaffReason::NotUnderstood("no sender and nothing a porting message says".into())
                    }
                    (None, Kind::Unknown) => StaffReason::NotUnderstood("not a porting message".into()),
                    (None, _) => StaffReason::Unmatched,
                }),
            },
        };
        let mut change = None;
        let mut documents = Vec::new();
        let mut staff = decision.staff.as_ref().map(staff_reason_text);
        let mut taken_event = None;
        if let (Some(action), Some(order)) = (decision.outcome, &order) {
            let is_bill = matches!(action, Action::Event(Event::BillReceived(_)));
            let event = match action {
                Action::Event(e) => e,
                Action::Timeline { event, text } => Event::Logged { event, text },
                Action::ContactFailing(address) => Event::ContactFailing(address),
            };
            let source = Source::Email(letter.sender_text());
            match crate::domain::lifecycle::apply(order, event, now) {
                Ok(mut applied) => {
                    taken_event = Some(applied.event.to_string());
                    if is_bill {
                        documents = letter.documents();
                    }
                    // A contact's mail follows the language they write in.
                    if let (Sender::Contact, Some(from), Some(language)) = (&sender, &letter.sender, letter.language())
                    {
                        applied.order.languages.insert(from.clone(), language);
                    }
                    let mut saved = self.change_from(order, applied, source, now).await?;
                    if let (Kind::StatusQuestion, Sender::Contact, Some(from)) =
                        (letter.parsed.kind, &sender, &letter.sender)
                    {
                        if letter.may_answer(&self.mail.inbox_address) {
                            let addressing = Addressing {
                                only: Some(from.clone()),
                                answers: Some(letter.message_id.clone()),
                            };
                            let reply = self.customer_mail(&saved.order, CustomerMail::StatusReply, addressing, now);
                            saved.outbox.extend(reply.await?);
                        }
                    }
                    change = Some(saved);
                }
                Err(not_allowed) => {
                    // A notice that does not fit the order changes nothing: it lands on
                    // the timeline and a person looks at it.
                    let text = format!(
                        "{} from {} not applied: {not_allowed}",
                        letter.parsed.kind.as_str().replace('_', " "),
                        letter.sender_text()
                    );
                    let heard = Event::Logged {
                        event: "notice_not_applied",
                        text: text.clone(),
                    };
                    let applied = crate::domain::lifecycle::apply(order, heard, now)?;
                    taken_event = Some(applied.event.to_string());
                    change = Some(self.change_from(order, applied, source, now).await?);
                    staff = Some(format!("it does not fit the order: {not_allowed}"));
                }
            }
        }
        let filed_on = order.as_ref().map(|o| o.reference.clone());
        let taken = match (&staff, &taken_event, &filed_on) {
            (Some(reason), _, _) => Taken::HandedToStaff {
                order: filed_on.clone(),
                reason: reason.clone(),
            },
            (None, Some(event), Some(order)) => Taken::Applied {
                order: order.clone(),
                event: event.clone(),
            },
            _ => Taken::HandedToStaff {
                order: filed_on.clone(),
                reason: "the bot could not tell what to do with it".to_string(),
            },
        };
        let handoff = match &taken {
            Taken::HandedToStaff { order, reason } => Some(Handoff {
                order: order.clone(),
                reason: reason.clone(),
                raw: letter.raw.clone(),
            }),
            _ => None,
        };
        let message = InboundMessage {
            key: InboundKey {
                mailbox: origin.mailbox.clone(),
                uidvalidity: origin.uidvalidity,
                uid: origin.uid,
                message_id: letter.message_id.clone(),
            },
            sender: letter.sender_text(),
            subject: letter.subject().to_string(),
            kind: letter.parsed.kind.as_str().to_string(),
            outcome: taken.describe(),
            received_at: now,
        };
        let mut posts = match &handoff {
            Some(h) => vec![self.needs_person_post(&message, h)?],
            None => Vec::new(),
        };
        // Someone who is not a contact asks about a port: a polite answer that says
        // nothing about any order, and only to an address that proved it sent the
        // question (a forged sender gets nothing: no backscatter).
        let stranger = matches!(
            decision.staff,
            Some(StaffReason::NotAContact) | Some(StaffReason::Unmatched)
        );
        if let (true, Kind::StatusQuestion, Some(from)) = (stranger, letter.parsed.kind, &letter.sender) {
            let proven = authentication
                .proven_domain()
                .is_some_and(|d| d.eq_ignore_ascii_case(from.domain()));
            if proven && letter.may_answer(&self.mail.inbox_address) {
                let language = letter.language().unwrap_or_default();
                let reply = self.cannot_share(from, &letter.message_id, language, now);
                posts.extend(reply.await?);
            }
        }
        let record = InboundRecord {
            message,
            change,
            handoff,
            documents,
            posts,
        };
        Ok((record, taken))
    }

    /// Our reference (subject, body, PON), our own Message-IDs in the thread, then the
    /// sender's open orders (or, for a trusted sender, the orders holding the numbers)
    /// narrowed by the numbers named.
    /// Also says whether a reference named the order (not only its numbers).
    async fn match_letter(&self, letter: &Letter) -> Result<(Match, Option<Order>, bool), DeskError> {
        let named = letter.parsed.order_ref.clone();
        let threaded = letter
            .mail
            .as_ref()
            .and_then(|m| self.trust.reference_in_thread(&m.thread_ids));
        for reference in named.into_iter().chain(threaded) {
            if let Some(order) = self.store.order(&reference).await? {
                return Ok((match_order(Some(&order), &[], &[]), Some(order), true));
            }
        }
        let numbers = letter.numbers();
        let Some(from) = &letter.sender else {
            return Ok((Match::Unmatched, None, false));
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
        Ok((matched, order, false))
    }

    fn needs_person_post(&self, message: &InboundMessage, handoff: &Handoff) -> Result<OutboxDraft, DeskError> {
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
        self.post(crate::texts::StaffPost::needs_person(item))
    }
}

/// Why a person must look, in words staff act on.
fn staff_reason_text(reason: &StaffReason) -> String {
    match reason {
        StaffReason::Unmatched => "no order matches it: attach it to the right order or dismiss it".to_string(),
        StaffReason::Ambiguous(refs) => {
            let refs: Vec<String> = refs.iter().map(|r| r.to_string()).collect();
            format!("it could be about {}: attach it to the right one", refs.join(" or "))
        }
        StaffReason::UntrustedNotice => {
            "a carrier-style notice from a domain that is not a trusted carrier or vendor: check it is genuine"
                .to_string()
        }
        StaffReason::Unproven { domain, why } => format!(
            "a notice in the name of {domain} that does not prove it came from there ({why}): nothing changed; \
             check with the carrier before acting on it"
        ),
        StaffReason::NotItsCarrier { domain, carrier } => format!(
            "a notice from {domain}, which does not speak for {carrier}: nothing changed; check it is about this order"
        ),
        StaffReason::DoesNotFit(why) => format!("it does not fit the order ({why}): nothing changed"),
        StaffReason::UnverifiedContact(why) => format!(
            "unverified: it carries a contact's address but does not prove it came from there ({why}); nothing was told or \
             changed: confirm with the contact before acting"
        ),
        StaffReason::NotAContact => "the sender is not a contact of the order: nothing was told or changed".to_string(),
        StaffReason::NotUnderstood(why) => format!("the bot could not understand it ({why})"),
        StaffReason::Unsure(reading) => format!(
            "the bot is not sure what it says ({reading}): read it, then attach it to apply the reading, or act by hand"
        ),
        StaffReason::NeedsAPerson(what) => what.to_string(),
    }
}
