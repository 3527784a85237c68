//! The customer's status page, `/p/TOKEN`: one order, in the contact's language, with
//! the steps done and to come, what is missing and how to send it, the port date with
//! its calendar file, and each number's status. Never a PIN, an account number or an
//! address; a link for another order, or past its expiry, shows nothing.

use super::{unavailable, Shared};
use crate::domain::{Language, NumberStatus, Order, OrderState};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;

#[derive(Serialize)]
struct Step {
    label: &'static str,
    done: bool,
    /// What the customer must do for it, when it waits for them.
    todo: Option<String>,
}

/// The page's words in one language.
struct Words {
    title: &'static str,
    steps: [&'static str; 6],
    sign_loa: &'static str,
    send_bill: &'static str,
    checking_bill: &'static str,
    correction: &'static str,
    routing: &'static str,
    port_date: &'static str,
    add_to_calendar: &'static str,
    numbers: &'static str,
    cancelled: &'static str,
    statuses: [&'static str; 5],
    reply: &'static str,
}

const ENGLISH: Words = Words {
    title: "Your number port",
    steps: [
        "Port request received",
        "Letter of authorization (e-LOA) signed",
        "Latest bill received",
        "Sent to your current carrier",
        "Port date confirmed",
        "Port completed",
    ],
    sign_loa: "Sign the letter of authorization (LOA) we e-mailed you: open that e-mail and follow its link.",
    send_bill: "Reply to any of our e-mails with your latest bill from {carrier} attached (a PDF or a photo).",
    checking_bill: "We are checking your bill against the request; we may write to you.",
    correction:
        "{carrier} asked for a correction. Our team has written to you with what to change; reply to that e-mail.",
    routing: "Tell us where each number should ring on the port date (a person, a ring group, the main menu, a fax): reply to any of our e-mails.",
    port_date: "Port date",
    add_to_calendar: "Add it to your calendar",
    numbers: "Your numbers",
    cancelled: "This port was cancelled. Reply to any of our e-mails if that is not what you expected.",
    statuses: [
        "waiting to port",
        "ported: it rings with us",
        "stays with your old carrier",
        "cannot be ported",
        "taken off the order",
    ],
    reply: "Questions? Reply to any of our e-mails to reach the porting team.",
};

const SPANISH: Words = Words {
    title: "Su portabilidad de números",
    steps: ["Solicitud recibida", "Carta de autorización (e-LOA) firmada", "Factura más reciente recibida", "Enviada a su operador actual", "Fecha de portabilidad confirmada", "Portabilidad completada"],
    sign_loa: "Firme la carta de autorización (LOA) que le enviamos por correo: abra ese correo y siga su enlace.",
    send_bill: "Responda a cualquiera de nuestros correos con su factura más reciente de {carrier} adjunta (un PDF o una foto).",
    checking_bill: "Estamos revisando su factura contra la solicitud; quizá le escribamos.",
    correction: "{carrier} pidió una corrección. Nuestro equipo le escribió qué cambiar; responda a ese correo.",
    routing: "Díganos dónde debe sonar cada número el día de la portabilidad (una persona, un grupo de timbrado, el menú principal, un fax): responda a cualquiera de nuestros correos.",
    port_date: "Fecha de portabilidad",
    add_to_calendar: "Agréguela a su calendario",
    numbers: "Sus números",
    cancelled: "Esta portabilidad fue cancelada. Responda a cualquiera de nuestros correos si no es lo que esperaba.",
    statuses: ["en espera", "portado: suena con nosotros", "se queda con su operador anterior", "no se puede portar", "retirado de la orden"],
    reply: "¿Preguntas? Responda a cualquiera de nuestros correos para comunicarse con el equipo.",
};

fn words(language: Language) -> &'static Words {
    match language {
        Language::En => &ENGLISH,
        Language::Es => &SPANISH,
    }
}

/// The steps of `order`, done and to come, with what the customer must do.
fn steps(order: &Order, w: &Words) -> Vec<Step> {
    let carrier = |text: &str| text.replace("{carrier}", &order.carrier);
    let past = |state: OrderState| order.state == state;
    let submitted =
        order.submitted_at.is_some() || matches!(order.state, OrderState::FocConfirmed | OrderState::Completed);
    let active = order.state.is_open();
    let mut bill_todo = None;
    if active && order.bill.is_none() {
        bill_todo = Some(carrier(w.send_bill));
    } else if active && !order.mismatches().is_empty() && !submitted {
        bill_todo = Some(w.checking_bill.to_string());
    }
    vec![
        Step {
            label: w.steps[0],
            done: true,
            todo: None,
        },
        Step {
            label: w.steps[1],
            done: order.loa_signed_at.is_some(),
            todo: (active && order.loa_signed_at.is_none()).then(|| w.sign_loa.to_string()),
        },
        Step {
            label: w.steps[2],
            done: order.bill.is_some(),
            todo: bill_todo,
        },
        Step {
            label: w.steps[3],
            done: submitted,
            todo: past(OrderState::Rejected).then(|| carrier(w.correction)),
        },
        Step {
            label: w.steps[4],
            done: order.foc_date.is_some() && order.state != OrderState::Rejected,
            todo: (past(OrderState::FocConfirmed) && !order.routing_confirmed()).then(|| w.routing.to_string()),
        },
        Step {
            label: w.steps[5],
            done: past(OrderState::Completed),
            todo: None,
        },
    ]
}

fn status_word(status: NumberStatus, w: &Words) -> &'static str {
    match status {
        NumberStatus::Pending => w.statuses[0],
        NumberStatus::Ported => w.statuses[1],
        NumberStatus::Remaining => w.statuses[2],
        NumberStatus::NotPortable => w.statuses[3],
        NumberStatus::Removed => w.statuses[4],
    }
}

/// What a link that opens nothing shows: the same for a tampered, expired or unknown link.
fn nothing() -> Response {
    let html = "<!doctype html><html lang=en><meta charset=utf-8><meta name=viewport content='width=device-width'>\
        <title>Porting status</title><body style='font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em'>\
        <h1>This link has expired or is not valid</h1>\
        <p>Reply to any of our e-mails and we will send you a new one.</p>\
        <p lang=es>Este enlace venció o no es válido. Responda a cualquiera de nuestros correos y le enviaremos uno nuevo.</p>";
    (StatusCode::NOT_FOUND, Html(html)).into_response()
}

pub async fn show(State(board): Shared, Path(token): Path<String>) -> Response {
    let Some(link) = board.pages.links.open(&token, board.desk.now()) else {
        return nothing();
    };
    let order = match board.store.order(&link.order).await {
        Ok(Some(order)) => order,
        Ok(None) => return nothing(),
        Err(e) => return unavailable(e),
    };
    let w = words(link.language);
    let numbers: Vec<_> = order
        .numbers
        .iter()
        .map(|n| minijinja::context! { number => n.number.pretty(), status => status_word(n.status, w), ported => n.status == NumberStatus::Ported })
        .collect();
    let port_date = order
        .foc_date
        .filter(|_| order.state.is_open() || order.state == OrderState::Completed)
        .map(|d| crate::desk::long_date(d, link.language));
    board.page(
        "status.html",
        minijinja::context! {
            lang => link.language.as_str(), title => w.title, reference => order.reference.to_string(),
            carrier => &order.carrier, steps => steps(&order, w), numbers => numbers, numbers_title => w.numbers,
            port_date => port_date, port_date_title => w.port_date, add_to_calendar => w.add_to_calendar,
            cancelled => (order.state == OrderState::Cancelled).then_some(w.cancelled), reply => w.reply,
            token => token,
        },
    )
}

pub async fn calendar_file(State(board): Shared, Path(token): Path<String>) -> Response {
    let Some(link) = board.pages.links.open(&token, board.desk.now()) else {
        return nothing();
    };
    let order = match board.store.order(&link.order).await {
        Ok(Some(order)) if order.state != OrderState::Cancelled => order,
        Ok(_) => return nothing(),
        Err(e) => return unavailable(e),
    };
    match board.desk.port_day_calendar(&order) {
        Some(ics) => (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"port-day.ics\""),
            ],
            ics,
        )
            .into_response(),
        None => nothing(),
    }
}
