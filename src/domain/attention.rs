//! When an order next needs the desk's attention: the first moment at which the
//! reminder table (`reminders::due`) names something not yet handled. The tick reads
//! only the orders whose moment has come, so its work follows what is due, not how
//! many orders there are. Pure, and exact by construction: it asks `due` itself at
//! every moment its answer can change (midnight, when a business day starts, and the
//! opening of the customers' sending window), up to a horizon.

use super::order::Order;
use super::reminders::{due, Cadence};
use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// How far ahead the desk looks; an order with nothing due by then is looked at again
/// then (a contract ending next year, say).
pub const HORIZON_DAYS: u64 = 45;

/// The first moment from `now` at which `order` has a reminder or alert whose key is
/// not in `handled`: `now` itself when one is due already. `None` for a closed order.
///
/// After a tick took an order's due reminders, `handled` holds their keys; after any
/// other change it is empty, so that whatever is due already is taken at the next tick
/// (taking it twice is harmless: each is saved once under its key).
pub fn next_attention(
    order: &Order,
    now: DateTime<Utc>,
    cadence: &Cadence,
    handled: &[String],
) -> Option<DateTime<Utc>> {
    if !order.state.is_open() {
        return None;
    }
    let tz = order.time_zone;
    let local_now = now.with_timezone(&tz).naive_local();
    let unhandled = |at: NaiveDateTime| {
        due(order, at.date(), at.time(), cadence)
            .iter()
            .any(|d| !handled.contains(&d.key))
    };
    if unhandled(local_now) {
        return Some(now);
    }
    let today = local_now.date();
    let found = moments(today, cadence)
        .filter(|at| *at > local_now)
        .find(|at| unhandled(*at));
    let at = found.unwrap_or_else(|| (today + Days::new(HORIZON_DAYS)).and_time(NaiveTime::MIN));
    // A moment a clock change skips is taken at the first instant after it.
    Some(match tz.from_local_datetime(&at).earliest() {
        Some(local) => local.with_timezone(&Utc),
        None => tz
            .from_local_datetime(&(at + chrono::Duration::hours(1)))
            .earliest()
            .map_or(now, |l| l.with_timezone(&Utc)),
    })
}

/// The moments `due`'s answer can change, in order, from `today` to the horizon: each
/// midnight (a new business day) and each opening of the sending window.
fn moments(today: NaiveDate, cadence: &Cadence) -> impl Iterator<Item = NaiveDateTime> + '_ {
    (0..=HORIZON_DAYS).flat_map(move |n| {
        let day = today + Days::new(n);
        [day.and_time(NaiveTime::MIN), day.and_time(cadence.window_opens)]
    })
}

#[cfg(test)]
#[path = "attention_tests.rs"]
mod tests;
