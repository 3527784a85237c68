//! Pictures of the desk, drawn on the server as SVG with plotters: orders in each open
//! state over the last weeks (from each day's moves between states), and each carrier's
//! business days from submission to FOC and to completion (from the desk's history).

use super::{unavailable, Board, Shared};
use crate::domain::calendar::business_days_between;
use crate::domain::OrderState;
use crate::store::StateDay;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, NaiveDate};
use plotters::prelude::*;
use std::collections::BTreeMap;

/// Days the state chart shows.
const DAYS: i64 = 60;
/// FOC confirmations and completions the carrier chart reads (newest).
const HISTORY: i64 = 1_000;
/// Carriers the carrier chart shows (those with most orders in the history).
const CARRIERS: usize = 8;

const OPEN_STATES: [OrderState; 5] = [
    OrderState::AwaitingDocuments,
    OrderState::Ready,
    OrderState::Submitted,
    OrderState::Rejected,
    OrderState::FocConfirmed,
];
const COLOURS: [RGBColor; 5] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x94, 0x67, 0xbd),
];

pub async fn page(State(board): Shared, headers: HeaderMap) -> Response {
    let who = match board.signed_in(&headers).await {
        Ok(who) => who,
        Err(page) => return page,
    };
    board.page(
        "charts.html",
        minijinja::context! { who => who.name, csrf => who.csrf_token, page => "charts", days => DAYS },
    )
}

fn svg(body: Result<String, String>) -> Response {
    match body {
        Ok(svg) => ([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response(),
        Err(e) => super::problem(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            &format!("The chart could not be drawn: {e}"),
        ),
    }
}

pub async fn states_svg(State(board): Shared, headers: HeaderMap) -> Response {
    if let Err(page) = board.signed_in(&headers).await {
        return page;
    }
    let today = board.desk.now().date_naive();
    let since = today - Duration::days(DAYS);
    let (now, days) = match tokio::try_join!(board.store.metrics(), board.store.state_days(since)) {
        Ok(read) => read,
        Err(e) => return unavailable(e),
    };
    let series = state_series(&now.orders_by_state, &days, since, today);
    svg(draw_states(&series, since, today))
}

/// Each open state's count on each day from `since` to `today`, walked back from today's
/// counts through each day's moves.
pub fn state_series(
    counts_now: &[(String, i64)],
    days: &[StateDay],
    since: NaiveDate,
    today: NaiveDate,
) -> Vec<(OrderState, Vec<(NaiveDate, i64)>)> {
    OPEN_STATES
        .iter()
        .map(|state| {
            let mut count = counts_now
                .iter()
                .find(|(s, _)| s == state.as_str())
                .map_or(0, |(_, n)| *n);
            let net: BTreeMap<NaiveDate, i64> =
                days.iter()
                    .filter(|d| d.state == state.as_str())
                    .fold(BTreeMap::new(), |mut net, d| {
                        *net.entry(d.day).or_default() += d.entered - d.exited;
                        net
                    });
            let mut points = Vec::new();
            let mut day = today;
            while day >= since {
                points.push((day, count.max(0)));
                count -= net.get(&day).copied().unwrap_or(0);
                day -= Duration::days(1);
            }
            points.reverse();
            (*state, points)
        })
        .collect()
}

fn draw_states(
    series: &[(OrderState, Vec<(NaiveDate, i64)>)],
    since: NaiveDate,
    today: NaiveDate,
) -> Result<String, String> {
    let top = series
        .iter()
        .flat_map(|(_, p)| p.iter().map(|(_, n)| *n))
        .max()
        .unwrap_or(0)
        .max(4) as f64
        * 1.1;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (900, 360)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .caption("Open orders by state", ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(56)
            .build_cartesian_2d(since..today, 0f64..top)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_labels(8)
            .x_label_formatter(&|d: &NaiveDate| d.format("%b %d").to_string())
            .label_style(("sans-serif", 14))
            .y_desc("orders")
            .draw()
            .map_err(|e| e.to_string())?;
        for ((state, points), colour) in series.iter().zip(COLOURS) {
            chart
                .draw_series(LineSeries::new(
                    points.iter().map(|(d, n)| (*d, *n as f64)),
                    colour.stroke_width(2),
                ))
                .map_err(|e| e.to_string())?
                .label(state.plain())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(2)));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperLeft)
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

pub async fn carriers_svg(State(board): Shared, headers: HeaderMap) -> Response {
    if let Err(page) = board.signed_in(&headers).await {
        return page;
    }
    let turns = match board.store.carrier_history(HISTORY).await {
        Ok(turns) => turns,
        Err(e) => return unavailable(e),
    };
    svg(draw_carriers(&carrier_days(&turns, &board)))
}

/// (carrier, median business days to FOC, median to completion), the busiest first.
fn carrier_days(turns: &[crate::domain::staff::CarrierTurn], board: &Board) -> Vec<(String, f64, f64)> {
    let tz = board.desk_tz;
    let mut by_carrier: BTreeMap<&str, (Vec<i64>, Vec<i64>)> = BTreeMap::new();
    for turn in turns {
        let submitted = turn.submitted_at.with_timezone(&tz).date_naive();
        let entry = by_carrier.entry(turn.carrier.as_str()).or_default();
        if let Some(at) = turn.foc_at {
            entry
                .0
                .push(business_days_between(submitted, at.with_timezone(&tz).date_naive()));
        }
        if let Some(at) = turn.completed_at {
            entry
                .1
                .push(business_days_between(submitted, at.with_timezone(&tz).date_naive()));
        }
    }
    let mut rows: Vec<(String, f64, f64, usize)> = by_carrier
        .into_iter()
        .map(|(carrier, (mut foc, mut done))| {
            let n = foc.len().max(done.len());
            (carrier.to_string(), median(&mut foc), median(&mut done), n)
        })
        .collect();
    rows.sort_by(|a, b| b.3.cmp(&a.3).then(a.0.cmp(&b.0)));
    rows.into_iter().take(CARRIERS).map(|(c, f, d, _)| (c, f, d)).collect()
}

fn median(values: &mut [i64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) as f64 / 2.0
    } else {
        values[mid] as f64
    }
}

fn draw_carriers(rows: &[(String, f64, f64)]) -> Result<String, String> {
    let top = rows.iter().map(|(_, f, d)| f.max(*d)).fold(5.0, f64::max) * 1.15;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (900, 360)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let count = rows.len().max(1);
        let mut chart = ChartBuilder::on(&root)
            .caption("Business days from submission (median)", ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(56)
            .build_cartesian_2d(0f64..count as f64, 0f64..top)
            .map_err(|e| e.to_string())?;
        let names: Vec<String> = rows.iter().map(|(c, _, _)| c.clone()).collect();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(count * 2 + 1)
            .x_label_formatter(&|x: &f64| {
                let i = (*x - 0.5).round();
                if (x - 0.5 - i).abs() < 0.01 && i >= 0.0 {
                    names.get(i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .label_style(("sans-serif", 14))
            .y_desc("business days")
            .draw()
            .map_err(|e| e.to_string())?;
        let bar = |i: usize, offset: f64, value: f64, colour: RGBColor| {
            let x = i as f64 + offset;
            Rectangle::new([(x, 0.0), (x + 0.35, value)], colour.filled())
        };
        chart
            .draw_series(
                rows.iter()
                    .enumerate()
                    .map(|(i, (_, foc, _))| bar(i, 0.12, *foc, COLOURS[4])),
            )
            .map_err(|e| e.to_string())?
            .label("to FOC")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], COLOURS[4].filled()));
        chart
            .draw_series(
                rows.iter()
                    .enumerate()
                    .map(|(i, (_, _, done))| bar(i, 0.53, *done, COLOURS[1])),
            )
            .map_err(|e| e.to_string())?
            .label("to completion")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], COLOURS[1].filled()));
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn a_states_count_is_walked_back_through_each_days_moves() {
        let counts = vec![("submitted".to_string(), 3)];
        let moves = vec![
            StateDay {
                day: day("2026-11-30"),
                state: "submitted".into(),
                entered: 2,
                exited: 0,
            },
            StateDay {
                day: day("2026-12-01"),
                state: "submitted".into(),
                entered: 1,
                exited: 1,
            },
        ];
        let series = state_series(&counts, &moves, day("2026-11-29"), day("2026-12-01"));
        let submitted = &series.iter().find(|(s, _)| *s == OrderState::Submitted).unwrap().1;
        assert_eq!(
            submitted,
            &vec![(day("2026-11-29"), 1), (day("2026-11-30"), 3), (day("2026-12-01"), 3)]
        );
    }

    #[test]
    fn both_charts_draw_as_svg_with_their_labels() {
        let series = state_series(&[("ready".to_string(), 2)], &[], day("2026-11-01"), day("2026-12-01"));
        let states = draw_states(&series, day("2026-11-01"), day("2026-12-01")).unwrap();
        assert!(states.starts_with("<svg") && states.contains("ready to submit"));
        let carriers = draw_carriers(&[("AT&T".into(), 4.0, 9.5), ("Verizon".into(), 6.0, 12.0)]).unwrap();
        assert!(carriers.contains("Verizon") && carriers.contains("to completion"));
    }
}
