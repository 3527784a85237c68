//! The board's overview pages: orders by state (filters and search), the port-day
//! calendar, and the staff queue.

use super::{unavailable, Board, Shared};
use crate::domain::{Order, OrderRef, OrderState, PhoneNumber};
use crate::store::OrderFilter;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// Orders a board page lists at most.
const PAGE_ROWS: i64 = 100;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct BoardQuery {
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub carrier: String,
    #[serde(default)]
    pub customer: String,
    /// "1": only stuck orders.
    #[serde(default)]
    pub stuck: String,
    /// "1": only orders with a route not confirmed.
    #[serde(default)]
    pub routing: String,
    /// A reference (PORT-1001), a phone number, or a customer account.
    #[serde(default)]
    pub q: String,
    /// YYYY-MM-DD: only orders with this port date.
    #[serde(default)]
    pub foc: String,
}

/// One order as a board row.
#[derive(Serialize)]
struct Row {
    reference: String,
    state: &'static str,
    state_plain: &'static str,
    customer: String,
    carrier: String,
    numbers: usize,
    first_number: String,
    foc_date: Option<String>,
    routing_confirmed: bool,
    waiting_on: String,
    why: String,
}

fn row(order: &Order, why: String) -> Row {
    let blockers = order.blockers();
    Row {
        reference: order.reference.to_string(),
        state: order.state.as_str(),
        state_plain: order.state.plain(),
        customer: order.customer.clone(),
        carrier: order.carrier.clone(),
        numbers: order.numbers.len(),
        first_number: order.numbers.first().map(|n| n.number.pretty()).unwrap_or_default(),
        foc_date: order.foc_date.map(|d| d.to_string()),
        routing_confirmed: order.routing_confirmed(),
        waiting_on: blockers
            .first()
            .map(|b| format!("{:?}", b.who).to_lowercase())
            .unwrap_or_default(),
        why,
    }
}

pub async fn board(State(board): Shared, headers: HeaderMap, Query(query): Query<BoardQuery>) -> Response {
    let who = match board.signed_in(&headers).await {
        Ok(who) => who,
        Err(page) => return page,
    };
    let counts = match board.store.metrics().await {
        Ok(m) => m.orders_by_state,
        Err(e) => return unavailable(e),
    };
    let counts: Vec<(&'static str, &'static str, i64)> = OrderState::ALL
        .iter()
        .map(|s| {
            let n = counts
                .iter()
                .find(|(label, _)| label == s.as_str())
                .map_or(0, |(_, n)| *n);
            (s.as_str(), s.plain(), n)
        })
        .collect();
    let (rows, problem) = match orders_for(&board, &query).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    board.page(
        "board.html",
        minijinja::context! {
            who => who.name, csrf => who.csrf_token, page => "board",
            counts => counts, rows => rows, query => &query, problem => problem,
            limit => PAGE_ROWS,
        },
    )
}

/// The rows a board query asks for, and what could not be understood in it.
async fn orders_for(board: &Board, query: &BoardQuery) -> Result<(Vec<Row>, Option<String>), Response> {
    let q = query.q.trim();
    if !q.is_empty() {
        return search(board, q).await.map(|rows| {
            let none = rows
                .is_empty()
                .then(|| format!("Nothing found for '{q}': try PORT-1001, a phone number or a customer account."));
            (rows, none)
        });
    }
    if query.stuck == "1" {
        let stuck = board.desk.stuck_orders(PAGE_ROWS).await.map_err(unavailable)?;
        let rows = stuck
            .iter()
            .take(PAGE_ROWS as usize)
            .map(|(o, why)| row(o, why.clone()))
            .collect();
        return Ok((rows, None));
    }
    let mut problem = None;
    let state = match query.state.trim() {
        "" => None,
        text => match text.parse::<OrderState>() {
            Ok(state) => Some(state),
            Err(e) => {
                problem = Some(e);
                None
            }
        },
    };
    let filter = OrderFilter {
        state,
        limit: PAGE_ROWS,
        carrier: Some(query.carrier.trim().to_string()).filter(|c| !c.is_empty()),
        customer: Some(query.customer.trim().to_string()).filter(|c| !c.is_empty()),
        routing_unconfirmed: query.routing == "1",
        foc_between: query.foc.trim().parse::<NaiveDate>().ok().map(|day| (day, day)),
        ..OrderFilter::default()
    };
    let orders = board.desk.list(&filter).await.map_err(unavailable)?;
    Ok((orders.iter().map(|o| row(o, String::new())).collect(), problem))
}

/// A reference, a number or a customer account.
async fn search(board: &Board, q: &str) -> Result<Vec<Row>, Response> {
    if let Ok(reference) = q.parse::<OrderRef>() {
        return match board.store.order(&reference).await {
            Ok(order) => Ok(order.iter().map(|o| row(o, String::new())).collect()),
            Err(e) => Err(unavailable(e)),
        };
    }
    if let Ok(number) = q.parse::<PhoneNumber>() {
        let orders = board.desk.orders_with_number(&number).await.map_err(unavailable)?;
        return Ok(orders.iter().map(|o| row(o, String::new())).collect());
    }
    let filter = OrderFilter {
        customer: Some(q.to_ascii_uppercase()),
        limit: PAGE_ROWS,
        ..OrderFilter::default()
    };
    let orders = board.desk.list(&filter).await.map_err(unavailable)?;
    Ok(orders.iter().map(|o| row(o, String::new())).collect())
}

#[derive(Deserialize)]
pub struct MonthQuery {
    /// YYYY-MM; this month when absent.
    month: Option<String>,
}

/// Port days a calendar cell lists; the rest are a link to the board.
const PER_DAY: usize = 6;
/// Orders a month's calendar reads at most.
const PER_MONTH: i64 = 3_000;

#[derive(Serialize)]
struct Day {
    date: String,
    day: u32,
    in_month: bool,
    today: bool,
    tomorrow: bool,
    orders: Vec<crate::store::PortDay>,
    more: usize,
}

pub async fn calendar(State(board): Shared, headers: HeaderMap, Query(query): Query<MonthQuery>) -> Response {
    let who = match board.signed_in(&headers).await {
        Ok(who) => who,
        Err(page) => return page,
    };
    let today = board.desk.now().with_timezone(&board.desk_tz).date_naive();
    let first = query
        .month
        .as_deref()
        .and_then(|m| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok())
        .unwrap_or_else(|| today.with_day(1).unwrap_or(today));
    let next_month = (first + Duration::days(32)).with_day(1).unwrap_or(first);
    let previous_month = (first - Duration::days(1)).with_day(1).unwrap_or(first);
    // Whole weeks, Monday first.
    let start = first - Duration::days(i64::from(first.weekday().num_days_from_monday()));
    let last = next_month - Duration::days(1);
    let end = last + Duration::days(i64::from(6 - last.weekday().num_days_from_monday()));
    let port_days = match board.store.port_days(start, end, PER_MONTH).await {
        Ok(found) => found,
        Err(e) => return unavailable(e),
    };
    let tomorrow = crate::domain::calendar::add_business_days(today, 1);
    let soon = match board.store.port_days(today, tomorrow, PER_MONTH).await {
        Ok(found) => found,
        Err(e) => return unavailable(e),
    };
    let (due_today, due_tomorrow): (Vec<_>, Vec<_>) = soon.into_iter().partition(|p| p.foc_date == today);
    let days: Vec<Day> = start
        .iter_days()
        .take_while(|d| *d <= end)
        .map(|date| {
            let on: Vec<_> = port_days.iter().filter(|p| p.foc_date == date).cloned().collect();
            Day {
                date: date.to_string(),
                day: date.day(),
                in_month: date.month() == first.month(),
                today: date == today,
                tomorrow: date == tomorrow,
                more: on.len().saturating_sub(PER_DAY),
                orders: on.into_iter().take(PER_DAY).collect(),
            }
        })
        .collect();
    let weeks: Vec<&[Day]> = days.chunks(7).collect();
    board.page(
        "calendar.html",
        minijinja::context! {
            who => who.name, csrf => who.csrf_token, page => "calendar",
            month => first.format("%B %Y").to_string(),
            previous => previous_month.format("%Y-%m").to_string(),
            next => next_month.format("%Y-%m").to_string(),
            weeks => weeks, due_today => due_today, due_tomorrow => due_tomorrow,
            today => today.format("%A %B %-d").to_string(), tomorrow => tomorrow.format("%A %B %-d").to_string(),
        },
    )
}

#[derive(Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    all: String,
}

pub async fn queue(State(board): Shared, headers: HeaderMap, Query(query): Query<QueueQuery>) -> Response {
    let who = match board.signed_in(&headers).await {
        Ok(who) => who,
        Err(page) => return page,
    };
    let items = match board.desk.staff_queue(query.all == "1").await {
        Ok(items) => items,
        Err(e) => return unavailable(e),
    };
    let tz = board.desk_tz;
    let items: Vec<_> = items
        .iter()
        .map(|item| {
            minijinja::context! {
                id => item.id,
                order => item.order_ref.as_ref().map(|r| r.to_string()),
                sender => &item.sender,
                subject => &item.subject,
                kind => &item.kind,
                reason => &item.reason,
                status => format!("{:?}", item.status).to_lowercase(),
                at => item.created_at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
            }
        })
        .collect();
    board.page(
        "queue.html",
        minijinja::context! {
            who => who.name, csrf => who.csrf_token, page => "queue", items => items, all => query.all == "1",
        },
    )
}
