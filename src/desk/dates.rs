//! Dates as a customer or staff member reads them, in their language.

use crate::domain::Language;
use chrono::{Datelike, NaiveDate};

/// "Tuesday, December 8, 2026" / "martes, 8 de diciembre de 2026".
pub fn long_date(date: NaiveDate, language: Language) -> String {
    let weekday = date.weekday().num_days_from_monday() as usize;
    let month = date.month0() as usize;
    match language {
        Language::En => {
            const DAYS: [&str; 7] = [
                "Monday",
                "Tuesday",
                "Wednesday",
                "Thursday",
                "Friday",
                "Saturday",
                "Sunday",
            ];
            const MONTHS: [&str; 12] = [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ];
            format!("{}, {} {}, {}", DAYS[weekday], MONTHS[month], date.day(), date.year())
        }
        Language::Es => {
            const DAYS: [&str; 7] = ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"];
            const MONTHS: [&str; 12] = [
                "enero",
                "febrero",
                "marzo",
                "abril",
                "mayo",
                "junio",
                "julio",
                "agosto",
                "septiembre",
                "octubre",
                "noviembre",
                "diciembre",
            ];
            format!(
                "{}, {} de {} de {}",
                DAYS[weekday],
                date.day(),
                MONTHS[month],
                date.year()
            )
        }
    }
}

impl super::Desk {
    /// The order's port-day calendar file, as its FOC e-mail carries it (one UID per
    /// order), when it has a port date.
    pub fn port_day_calendar(&self, order: &crate::domain::Order) -> Option<String> {
        order.foc_date.map(|foc| {
            crate::domain::ics::port_day(
                order,
                foc,
                crate::domain::ics::Invitation::PortDay,
                self.mail.ids.domain(),
                &self.mail.inbox_address,
                self.now(),
            )
        })
    }
}
