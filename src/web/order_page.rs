//! One page per order: its numbers and routes, what blocks it and who must act, the
//! mismatches against the bill, the timeline, the documents (the bill opens in the
//! browser), the e-mails sent and waiting, and a command box that runs chat's commands
//! with chat's permission rule.

use super::{problem, unavailable, Shared};
use crate::domain::{Channel, OrderRef};
use axum::extract::{Form, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// E-mails and posts listed on an order page at most.
const EMAILS_SHOWN: i64 = 50;

fn reference_of(text: &str) -> Result<OrderRef, Response> {
    text.parse::<OrderRef>().map_err(|_| {
        problem(
            StatusCode::NOT_FOUND,
            &format!("'{text}' is not an order reference: they read PORT-1001."),
        )
    })
}

pub async fn show(State(board): Shared, headers: HeaderMap, Path(reference): Path<String>) -> Response {
    let who = match board.signed_in(&headers).await {
        Ok(who) => who,
        Err(page) => return page,
    };
    let reference = match reference_of(&reference) {
        Ok(r) => r,
        Err(page) => return page,
    };
    let order = match board.store.order(&reference).await {
        Ok(Some(order)) => order,
        Ok(None) => return problem(StatusCode::NOT_FOUND, &format!("There is no order {reference}.")),
        Err(e) => return unavailable(e),
    };
    let read = async {
        let timeline = board.store.timeline(&reference).await?;
        let documents = board.store.documents(&reference).await?;
        let emails = board.store.order_emails(&reference, EMAILS_SHOWN).await?;
        Ok::<_, crate::store::StoreError>((timeline, documents, emails))
    };
    let (timeline, documents, emails) = match read.await {
        Ok(read) => read,
        Err(e) => return unavailable(e),
    };
    let tz = board.desk_tz;
    let at = |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
    let entries: Vec<_> = timeline
        .iter()
        .rev()
        .map(|e| minijinja::context! { at => at(e.at), source => &e.source, event => &e.event, text => &e.text })
        .collect();
    let mut view = crate::views::order_view(&order, Vec::new());
    view.account_number = view.account_number.as_deref().map(crate::views::mask);
    let documents: Vec<_> = documents
        .iter()
        .enumerate()
        .map(|(i, d)| minijinja::context! { index => i, name => &d.name, content_type => &d.content_type, size => d.size, at => at(d.received_at) })
        .collect();
    let emails: Vec<_> = emails
        .iter()
        .map(|m| {
            minijinja::context! {
                channel => if m.channel == Channel::Email { "e-mail" } else { "staff post" },
                to => &m.to, subject => &m.subject, template => &m.template,
                status => m.status.as_str(), at => at(m.sent_at.unwrap_or(m.created_at)),
                send_after => m.send_after.filter(|_| m.status.as_str() == "pending").map(at),
            }
        })
        .collect();
    let language = order.languages.values().next().copied().unwrap_or_default();
    let customer_page = board.pages.url(&reference, language, board.desk.now());
    let flash = board.take_flash(&who);
    board.page(
        "order.html",
        minijinja::context! {
            who => who.name, csrf => who.csrf_token, page => "order", can_change => who.caller().is_staff,
            order => view, entries => entries, documents => documents, emails => emails,
            flash => flash, customer_page => customer_page,
        },
    )
}

#[derive(Deserialize)]
pub struct CommandForm {
    csrf: String,
    command: String,
}

/// Runs the box's command as chat would for this person, then shows the order again
/// with the answer.
pub async fn command(
    State(board): Shared,
    headers: HeaderMap,
    Path(reference): Path<String>,
    Form(form): Form<CommandForm>,
) -> Response {
    let who = match board.signed_form(&headers, &form.csrf).await {
        Ok(who) => who,
        Err(page) => return page,
    };
    let reference = match reference_of(&reference) {
        Ok(r) => r,
        Err(page) => return page,
    };
    let text = form.command.trim();
    if !text.is_empty() {
        let reply = board.chat.handle(&who.caller(), text).await;
        board.flash(&who, reply.ok, crate::chat::plain(&reply.text));
    }
    Redirect::to(&format!("/orders/{reference}")).into_response()
}

/// An order's document, opened in the browser (a PDF bill shows in its viewer). The
/// file is the customer's: it runs no script and is not sniffed as anything else.
pub async fn document(
    State(board): Shared,
    headers: HeaderMap,
    Path((reference, index)): Path<(String, i64)>,
) -> Response {
    if let Err(page) = board.signed_in(&headers).await {
        return page;
    }
    let reference = match reference_of(&reference) {
        Ok(r) => r,
        Err(page) => return page,
    };
    let (info, bytes) = match board.store.document(&reference, index.max(0)).await {
        Ok(Some(found)) => found,
        Ok(None) => return problem(StatusCode::NOT_FOUND, &format!("{reference} has no document {index}.")),
        Err(e) => return unavailable(e),
    };
    // Only types a browser shows safely; anything else is downloaded.
    let shown = matches!(
        info.content_type.as_str(),
        "application/pdf" | "text/plain" | "image/png" | "image/jpeg"
    );
    let content_type = if shown {
        info.content_type.as_str()
    } else {
        "application/octet-stream"
    };
    let name: String = info
        .name
        .chars()
        .filter(|c| c.is_ascii_graphic() && *c != '"' && *c != '\\')
        .collect();
    let disposition = format!("{}; filename=\"{name}\"", if shown { "inline" } else { "attachment" });
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    if content_type != "application/pdf" {
        // Chromium's PDF viewer does not run in a sandboxed page; the rest may.
        headers.insert(
            "content-security-policy",
            HeaderValue::from_static("sandbox; default-src 'none'; img-src 'self'"),
        );
    }
    response
}
