//! The calendar invitation for port day (RFC 5545): an all-day event on the FOC date,
//! attached to the FOC e-mail so the customer's calendar holds the date.

use super::order::Order;
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// What the invitation does to the customer's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invitation {
    /// Puts the port day in (or moves it, when the order had one).
    PortDay,
    /// Takes it out: the port is cancelled.
    Cancelled,
}

/// An iCalendar file for `order`'s port day. One UID per order and a `SEQUENCE` that
/// rises with every change of the order, so a moved date updates the event the
/// customer has, and a cancellation removes it.
pub fn port_day(
    order: &Order,
    foc: NaiveDate,
    invitation: Invitation,
    uid_domain: &str,
    organizer: &str,
    now: DateTime<Utc>,
) -> String {
    let numbers: Vec<String> = order.numbers.iter().map(|n| n.number.pretty()).collect();
    let (method, status) = match invitation {
        Invitation::PortDay => ("PUBLISH", "CONFIRMED"),
        Invitation::Cancelled => ("CANCEL", "CANCELLED"),
    };
    let lines = [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//portbot//port day//EN".to_string(),
        format!("METHOD:{method}"),
        "BEGIN:VEVENT".to_string(),
        format!("UID:{}@{uid_domain}", order.reference),
        format!("SEQUENCE:{}", order.version),
        format!("STATUS:{status}"),
        format!("DTSTAMP:{}", now.format("%Y%m%dT%H%M%SZ")),
        format!("DTSTART;VALUE=DATE:{}", foc.format("%Y%m%d")),
        format!("DTEND;VALUE=DATE:{}", (foc + Duration::days(1)).format("%Y%m%d")),
        escape_line(
            "SUMMARY",
            &format!("Port day {}: numbers move from {}", order.reference, order.carrier),
        ),
        escape_line(
            "DESCRIPTION",
            &format!(
                "{} from {} today: {}. Keep the old service until we confirm the port is complete.",
                match numbers.len() {
                    1 => "1 number moves".to_string(),
                    n => format!("{n} numbers move"),
                },
                order.carrier,
                numbers.join(", ")
            ),
        ),
        format!("ORGANIZER:mailto:{organizer}"),
        "TRANSP:TRANSPARENT".to_string(),
        "END:VEVENT".to_string(),
        "END:VCALENDAR".to_string(),
    ];
    let mut out = String::new();
    for line in lines {
        out.push_str(&fold(&line));
        out.push_str("\r\n");
    }
    out
}

fn escape_line(name: &str, text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace(['\r', '\n'], "\\n");
    format!("{name}:{escaped}")
}

/// Lines longer than 75 octets continue on the next line after a space.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_values_carry_no_bare_carriage_return() {
        let line = escape_line("SUMMARY", "Port day: Acme\r\nDental\rGroup; 3, done");
        assert_eq!(line, "SUMMARY:Port day: Acme\\nDental\\nGroup\\; 3\\, done");
        assert!(!line.contains('\r'));
    }

    #[test]
    fn port_day_is_an_all_day_event_with_folded_lines() {
        let order = crate::domain::testing::order(1042, "305-555-0100 thru 0109", "ops@acme.example");
        let ics = port_day(
            &order,
            "2026-12-08".parse().unwrap(),
            Invitation::PortDay,
            "voip.example",
            "porting@voip.example",
            "2026-11-30T14:00:00Z".parse().unwrap(),
        );
        assert!(ics.contains("DTSTART;VALUE=DATE:20261208\r\n"));
        assert!(ics.contains("DTEND;VALUE=DATE:20261209\r\n"));
        assert!(ics.contains("UID:PORT-1042@voip.example\r\n"));
        assert!(ics.contains("METHOD:PUBLISH\r\n") && ics.contains("SEQUENCE:0\r\n"));
        assert!(ics.lines().all(|l| l.len() <= 76), "{ics}");
        assert!(ics.contains("\r\n "), "the long description is folded");
        assert!(ics.contains("from Comcast Business"));
    }

    #[test]
    fn a_moved_or_cancelled_port_day_keeps_its_uid_and_raises_its_sequence() {
        let mut order = crate::domain::testing::order(1042, "305-555-0100", "ops@acme.example");
        let at = "2026-11-30T14:00:00Z".parse().unwrap();
        let first = port_day(
            &order,
            "2026-12-08".parse().unwrap(),
            Invitation::PortDay,
            "v.example",
            "p@v.example",
            at,
        );
        order.version = 3;
        let moved = port_day(
            &order,
            "2026-12-10".parse().unwrap(),
            Invitation::PortDay,
            "v.example",
            "p@v.example",
            at,
        );
        order.version = 4;
        let off = port_day(
            &order,
            "2026-12-10".parse().unwrap(),
            Invitation::Cancelled,
            "v.example",
            "p@v.example",
            at,
        );
        for ics in [&first, &moved, &off] {
            assert!(ics.contains("UID:PORT-1042@v.example\r\n"), "{ics}");
        }
        assert!(moved.contains("SEQUENCE:3\r\n") && moved.contains("DTSTART;VALUE=DATE:20261210"));
        assert!(
            off.contains("METHOD:CANCEL\r\n") && off.contains("STATUS:CANCELLED\r\n") && off.contains("SEQUENCE:4")
        );
    }
}
