//! What the one-shot commands print: a line each (or JSON with `--json`).

use super::{CustomerCli, Failure};
use crate::app::App;
use crate::chat::{Caller, Reply};
use crate::domain::{OrderRef, OrderState};
use crate::store::OrderFilter;
use crate::views::order_view;
use std::io::Write;

fn print(out: &mut (dyn Write + Send), text: String) -> Result<(), Failure> {
    writeln!(out, "{text}").map_err(Failure::output)
}

/// `order list`
pub(super) async fn list(
    app: &App,
    state: Option<String>,
    limit: i64,
    json: bool,
    out: &mut (dyn Write + Send),
) -> Result<(), Failure> {
    let state = state
        .map(|s| s.parse::<OrderState>())
        .transpose()
        .map_err(Failure::input)?;
    let orders = app
        .desk
        .list(&OrderFilter {
            state,
            limit,
            ..OrderFilter::default()
        })
        .await?;
    let refs: Vec<OrderRef> = orders.iter().map(|o| o.reference.clone()).collect();
    let mut timelines = if json {
        app.store.timelines(&refs).await?
    } else {
        Default::default()
    };
    for order in &orders {
        let text = if json {
            let timeline = timelines.remove(&order.reference).unwrap_or_default();
            serde_json::to_string(&order_view(order, timeline)).unwrap_or_default()
        } else {
            format!(
                "{} {} {} {} {} number(s)",
                order.reference,
                order.state,
                order.customer,
                order.carrier,
                order.numbers.len()
            )
        };
        print(out, text)?;
    }
    Ok(())
}

/// `chat TEXT`: the reply, and the exit code of a refused command.
pub(super) async fn chat(
    app: &App,
    text: &str,
    user: &str,
    json: bool,
    out: &mut (dyn Write + Send),
) -> Result<(), Failure> {
    let reply = app.chat.handle(&Caller::staff(user), text).await;
    let shown = if json {
        serde_json::to_string(&reply).unwrap_or_default()
    } else {
        // A terminal shows chat text without its Discord markdown.
        crate::chat::plain(&reply.text)
    };
    if reply.ok || json {
        print(out, shown)?;
    }
    match reply {
        Reply { ok: true, .. } => Ok(()),
        Reply {
            dependency_failed,
            text,
            ..
        } => Err(Failure {
            message: crate::chat::plain(&text),
            code: if dependency_failed { 2 } else { 1 },
        }),
    }
}

/// `customer ...`
pub(super) async fn customer(
    app: &App,
    command: CustomerCli,
    json: bool,
    out: &mut (dyn Write + Send),
) -> Result<(), Failure> {
    let customer = match command {
        CustomerCli::Show { account } => app.desk.customer(&account).await?,
        command => {
            let (account, change) = command.into_change()?;
            app.desk.change_customer(&account, change).await?
        }
    };
    let text = if json {
        serde_json::to_string(&customer).unwrap_or_default()
    } else {
        let contacts: Vec<String> = customer
            .contacts
            .iter()
            .map(|c| format!("{} [{}]", c.email, c.language))
            .collect();
        format!(
            "{} {} {} {} contacts: {}",
            customer.account,
            customer.company,
            if customer.onboarded {
                "onboarded"
            } else {
                "not-onboarded"
            },
            customer.time_zone.name(),
            contacts.join(", ")
        )
    };
    print(out, text)
}

/// `tick`
pub(super) async fn tick(app: &App, json: bool, out: &mut (dyn Write + Send)) -> Result<(), Failure> {
    let report = app.desk.tick().await?;
    let text = if json {
        serde_json::to_string(&report).unwrap_or_default()
    } else {
        format!(
            "{} order(s) checked: {} customer reminder(s), {} staff alert(s) queued; {} already done",
            report.orders_checked, report.customer_reminders, report.staff_alerts, report.already_done
        )
    };
    print(out, text)
}

/// `outbox`
pub(super) async fn outbox(app: &App, all: bool, json: bool, out: &mut (dyn Write + Send)) -> Result<(), Failure> {
    for message in app.desk.outbox(all).await? {
        let text = if json {
            serde_json::to_string(&message).unwrap_or_default()
        } else {
            let order = message.order_ref.as_ref().map(|r| r.to_string()).unwrap_or_default();
            format!(
                "{} {} {} {} {} {}: {}",
                message.id,
                message.status.as_str(),
                message.channel.as_str(),
                message.to,
                order,
                message.template,
                message.subject
            )
        };
        print(out, text)?;
    }
    Ok(())
}
