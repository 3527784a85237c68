//! The chat core: one staff command in, one reply out. The terminal (local mode), the
//! command line (`portbot chat`) and Discord are thin faces over it; none of them holds
//! porting logic.

pub mod command;
pub mod customer_command;
mod order_details;
pub mod poster;
mod supp_command;
pub mod verbs;
mod words;

use crate::desk::{Desk, DeskError};
use crate::domain::{Event, OrderRef, OrderState, Source};
use crate::store::OrderFilter;
use crate::texts::{ChatReply, ListRow};
use crate::views::order_card;
use chrono_tz::Tz;
use command::{Command, CommandError, Target};
use serde::Serialize;
use std::sync::Arc;

/// How many orders `list` shows.
pub const LIST_LIMIT: i64 = 25;

/// Who typed the command, and whether they may change orders.
#[derive(Debug, Clone)]
pub struct Caller {
    pub name: String,
    pub is_staff: bool,
}

impl Caller {
    pub fn staff(name: &str) -> Self {
        Self {
            name: name.to_string(),
            is_staff: true,
        }
    }
}

/// The answer to one command.
#[derive(Debug, Clone, Serialize)]
pub struct Reply {
    pub ok: bool,
    pub text: String,
    /// The order the command was about, when there is one.
    #[serde(rename = "ref")]
    pub order: Option<String>,
    /// True when the command failed because a dependency (the database) did.
    #[serde(skip)]
    pub dependency_failed: bool,
}

#[derive(Debug, thiserror::Error)]
enum ChatError {
    #[error(transparent)]
    Command(#[from] CommandError),
    #[error(transparent)]
    Desk(#[from] DeskError),
    #[error("{0} may only read order cards: this command needs the staff role")]
    NotPermitted(String),
}

/// Chat text (Discord markdown) as a terminal shows it: no `**`, no backticks.
pub fn plain(markdown: &str) -> String {
    markdown.replace("**", "").replace("`", "")
}

/// Only staff change orders or read customers' e-mails; anyone in the channel may read
/// order cards, lists and the inbox's list.
pub fn permitted(command: &Command, caller: &Caller) -> bool {
    caller.is_staff || !command.needs_staff()
}

pub struct ChatCore {
    desk: Arc<Desk>,
    default_tz: Tz,
}

impl ChatCore {
    pub fn new(desk: Arc<Desk>, default_tz: Tz) -> Self {
        Self { desk, default_tz }
    }

    #[tracing::instrument(name = "chat", skip_all, fields(user = %caller.name))]
    pub async fn handle(&self, caller: &Caller, text: &str) -> Reply {
        match self.run(caller, text).await {
            // Replies quote subjects, senders and excerpts of mail: no control characters.
            Ok((text, order)) => Reply {
                ok: true,
                text: crate::domain::untrusted::printable(&text),
                order: order.map(|o| o.to_string()),
                dependency_failed: false,
            },
            Err(e) => {
                let dependency_failed = matches!(&e, ChatError::Desk(d) if d.is_dependency_failure());
                if dependency_failed {
                    tracing::error!(error = ?e, "chat command failed");
                }
                Reply {
                    ok: false,
                    text: e.to_string(),
                    order: None,
                    dependency_failed,
                }
            }
        }
    }

    async fn run(&self, caller: &Caller, text: &str) -> Result<(String, Option<OrderRef>), ChatError> {
        let command = command::parse(text, self.default_tz)?;
        if !permitted(&command, caller) {
            return Err(ChatError::NotPermitted(caller.name.clone()));
        }
        let source = Source::Chat(caller.name.clone());
        self.answer(command, caller, source).await
    }

    /// Does what the command says and writes the answer.
    async fn answer(
        &self,
        command: Command,
        caller: &Caller,
        source: Source,
    ) -> Result<(String, Option<OrderRef>), ChatError> {
        match command {
            Command::Help => Ok((self.help()?, None)),
            Command::Status(Target::Order(r)) => Ok((self.card(&r).await?, Some(r))),
            Command::Status(Target::Number(n)) => self.status_of_number(&n).await,
            Command::List(state) => Ok((self.list(state).await?, None)),
            Command::Open(request, quiet) => {
                let order = match quiet {
                    true => self.desk.open_order(*request, source).await?,
                    false => self.desk.open_and_acknowledge(*request, source).await?,
                };
                let r = order.reference.clone();
                Ok((format!("Opened {r}.\n{}", self.card(&r).await?), Some(r)))
            }
            Command::Bill(r, file_or_text) => {
                let outcome = self.desk.record_bill(&r, &file_or_text, source).await?;
                self.done(r, outcome)
            }
            Command::Reopen(r, reason) => {
                self.desk.check_numbers_free(&r).await?;
                self.act(r, Event::Reopened { reason }, source).await
            }
            Command::Inbox { .. } | Command::InboxShow(_) | Command::InboxAttach(..) | Command::InboxDismiss(..) => {
                self.inbox_command(command, caller).await
            }
            Command::Customer(customer_command::CustomerCommand::Show(account)) => {
                Ok((self.customer_card(&self.desk.customer(&account).await?)?, None))
            }
            Command::Customer(customer_command::CustomerCommand::Change(account, change)) => {
                let customer = self.desk.change_customer(&account, change).await?;
                Ok((format!("Saved.\n{}", self.customer_card(&customer)?), None))
            }
            Command::Remind(r) => {
                let outcome = self.desk.remind_now(&r, &caller.name).await?;
                Ok((format!("{}: {}", r, outcome.text), Some(r)))
            }
            Command::Digest => {
                let post = self.desk.digest().await?;
                Ok((format!("{}\n{}", post.subject, post.body), None))
            }
            // The rest record one lifecycle event on an order.
            event => match event.into_event() {
                Ok((r, event)) => self.act(r, event, source).await,
                Err(command) => Err(ChatError::Command(CommandError::Unknown(format!("{command:?}")))),
            },
        }
    }

    /// The card of the order a number is on (the open one first), and the others.
    async fn status_of_number(&self, n: &crate::domain::PhoneNumber) -> Result<(String, Option<OrderRef>), ChatError> {
        let orders = self.desk.orders_with_number(n).await?;
        let mut text = self.card(&orders[0].reference).await?;
        if orders.len() > 1 {
            let others: Vec<String> = orders[1..]
                .iter()
                .map(|o| format!("{} ({})", o.reference, o.state))
                .collect();
            text.push_str(&format!("\nAlso on: {}", others.join(", ")));
        }
        Ok((text, Some(orders[0].reference.clone())))
    }

    /// The staff queue: list, read, attach to an order, dismiss.
    async fn inbox_command(&self, command: Command, caller: &Caller) -> Result<(String, Option<OrderRef>), ChatError> {
        match command {
            Command::InboxShow(id) => {
                let (item, text) = self.desk.staff_item(id).await?;
                let order = item.order_ref.clone();
                Ok((self.say(&ChatReply::InboxItem { item, text })?, order))
            }
            Command::InboxAttach(id, order) => {
                let order = self.desk.attach(id, order, &caller.name).await?;
                let r = order.reference.clone();
                Ok((
                    format!("Inbox #{id} attached to {r}.\n{}", self.card(&r).await?),
                    Some(r),
                ))
            }
            Command::InboxDismiss(id, why) => {
                let item = self.desk.dismiss(id, &caller.name, &why).await?;
                Ok((format!("Inbox #{id} dismissed: {}", item.subject), item.order_ref))
            }
            _ => Ok((self.inbox(matches!(command, Command::Inbox { all: true })).await?, None)),
        }
    }

    fn customer_card(&self, c: &crate::domain::Customer) -> Result<String, ChatError> {
        let numbers: Vec<String> = c.temporary_numbers.iter().map(|n| n.pretty()).collect();
        self.say(&ChatReply::CustomerCard { c: c.clone(), numbers })
    }

    async fn inbox(&self, all: bool) -> Result<String, ChatError> {
        let items = self.desk.staff_queue(all).await?;
        self.say(&ChatReply::Inbox { items })
    }

    async fn act(&self, r: OrderRef, event: Event, source: Source) -> Result<(String, Option<OrderRef>), ChatError> {
        let outcome = self.desk.act(&r, event, source).await?;
        self.done(r, outcome)
    }

    /// The reply to a change: what was done, and the order as it now is.
    fn done(&self, r: OrderRef, outcome: crate::desk::Outcome) -> Result<(String, Option<OrderRef>), ChatError> {
        let card = order_card(&outcome.order, Vec::new(), self.default_tz);
        let text = self.say(&ChatReply::Done {
            order: card,
            done: outcome.text,
        })?;
        Ok((text, Some(r)))
    }

    async fn card(&self, r: &OrderRef) -> Result<String, ChatError> {
        let file = self.desk.order_file(r).await?;
        let card = order_card(&file.order, file.timeline, self.default_tz);
        self.say(&ChatReply::OrderCard { order: card })
    }

    async fn list(&self, state: Option<OrderState>) -> Result<String, ChatError> {
        let orders = self
            .desk
            .list(&OrderFilter {
                state,
                limit: LIST_LIMIT,
                ..OrderFilter::default()
            })
            .await?;
        let orders = orders
            .iter()
            .map(|o| ListRow {
                reference: o.reference.to_string(),
                state: o.state.as_str(),
                customer: o.customer.clone(),
                carrier: o.carrier.clone(),
                count: o.numbers.len(),
                foc_date: o.foc_date.map(|d| d.to_string()),
            })
            .collect();
        self.say(&ChatReply::OrderList {
            orders,
            state: state.map(|s| s.as_str()),
        })
    }

    fn help(&self) -> Result<String, ChatError> {
        let states: Vec<&str> = OrderState::ALL.iter().map(|s| s.as_str()).collect();
        let codes: Vec<&str> = crate::domain::RejectCode::ALL.iter().map(|c| c.code()).collect();
        self.say(&ChatReply::Help {
            commands: verbs::VERBS.iter().map(|v| v.help).collect(),
            states: states.join(", "),
            codes: codes.join(", "),
            fields: order_details::SET_FIELDS,
        })
    }

    fn say(&self, reply: &ChatReply) -> Result<String, ChatError> {
        Ok(self.desk.texts().reply(reply).map_err(DeskError::Text)?)
    }
}
