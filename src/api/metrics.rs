//! `/metrics` in Prometheus' text format: what the store counts (mail taken, orders by
//! state, the outbox, reminders, the staff queue) and what this process saw (time
//! spent reading mail, which parts are up).

use crate::health::Health;
use crate::store::StoreMetrics;
use std::fmt::Write;

/// One metric: its name, type, help and labelled values.
struct Metric {
    name: &'static str,
    kind: &'static str,
    help: &'static str,
    rows: Vec<(String, f64)>,
}

/// The whole exposition.
pub fn exposition(snapshot: &StoreMetrics, health: &Health) -> String {
    let mut out = String::new();
    for metric in from_store(snapshot).into_iter().chain(from_process(health)) {
        let name = metric.name;
        let _ = writeln!(out, "# HELP {name} {}\n# TYPE {name} {}", metric.help, metric.kind);
        for (labels, value) in metric.rows {
            let _ = writeln!(out, "{name}{labels} {value}");
        }
    }
    out
}

fn labelled(rows: &[(String, i64)], label: &str) -> Vec<(String, f64)> {
    rows.iter()
        .map(|(v, c)| (format!("{{{label}=\"{}\"}}", escape(v)), *c as f64))
        .collect()
}

fn one(value: i64) -> Vec<(String, f64)> {
    vec![(String::new(), value as f64)]
}

fn from_store(s: &StoreMetrics) -> Vec<Metric> {
    let outbox = s
        .outbox
        .iter()
        .map(|(ch, st, c)| {
            (
                format!("{{channel=\"{}\",status=\"{}\"}}", escape(ch), escape(st)),
                *c as f64,
            )
        })
        .collect();
    vec![
        Metric {
            name: "portbot_messages_ingested_total",
            kind: "counter",
            help: "Inbound messages taken, by kind.",
            rows: labelled(&s.inbound_by_kind, "kind"),
        },
        Metric {
            name: "portbot_orders",
            kind: "gauge",
            help: "Port orders, by state.",
            rows: labelled(&s.orders_by_state, "state"),
        },
        Metric {
            name: "portbot_outbox_messages",
            kind: "gauge",
            help: "Outbox messages, by channel and status (pending is the depth, failed the failures).",
            rows: outbox,
        },
        Metric {
            name: "portbot_reminders_sent_total",
            kind: "counter",
            help: "Customer reminders sent by the scheduler.",
            rows: one(s.reminders_sent),
        },
        Metric {
            name: "portbot_staff_alerts_total",
            kind: "counter",
            help: "Staff alerts raised by the scheduler.",
            rows: one(s.staff_alerts),
        },
        Metric {
            name: "portbot_staff_queue_open",
            kind: "gauge",
            help: "E-mails waiting for a person.",
            rows: one(s.staff_queue_open),
        },
    ]
}

fn from_process(health: &Health) -> Vec<Metric> {
    let (seconds, count) = health.reading_time();
    let up = health
        .snapshot()
        .into_iter()
        .map(|(name, c)| (format!("{{component=\"{name}\"}}"), f64::from(u8::from(c.up))))
        .collect();
    vec![
        Metric {
            name: "portbot_parse_seconds",
            kind: "summary",
            help: "Time spent reading inbound messages in this process.",
            rows: vec![("_sum".to_string(), seconds), ("_count".to_string(), count as f64)],
        },
        Metric {
            name: "portbot_component_up",
            kind: "gauge",
            help: "Whether each part of the bot is up (1) or down (0).",
            rows: up,
        },
    ]
}

fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}
