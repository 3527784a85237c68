//! Business days (Monday to Friday, minus US federal holidays on their observed dates)
//! and the window in which customers may be e-mailed (08:00–18:00 on a business day in
//! their own time zone).

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

/// Opening and closing of the customer sending window, local time.
pub const WINDOW_OPENS: NaiveTime = match NaiveTime::from_hms_opt(8, 0, 0) {
    Some(t) => t,
    None => panic!("08:00 is a time"),
};
pub const WINDOW_CLOSES: NaiveTime = match NaiveTime::from_hms_opt(18, 0, 0) {
    Some(t) => t,
    None => panic!("18:00 is a time"),
};

/// The federal holidays of a year, each on the day it is observed.
pub fn federal_holidays(year: i32) -> Vec<(NaiveDate, &'static str)> {
    let fixed = |month, day| NaiveDate::from_ymd_opt(year, month, day).expect("fixed holiday is a date");
    let mut days = vec![
        (observed(fixed(1, 1)), "New Year's Day"),
        (nth_weekday(year, 1, Weekday::Mon, 3), "Martin Luther King Jr. Day"),
        (nth_weekday(year, 2, Weekday::Mon, 3), "Washington's Birthday"),
        (last_weekday(year, 5, Weekday::Mon), "Memorial Day"),
        (observed(fixed(6, 19)), "Juneteenth"),
        (observed(fixed(7, 4)), "Independence Day"),
        (nth_weekday(year, 9, Weekday::Mon, 1), "Labor Day"),
        (nth_weekday(year, 10, Weekday::Mon, 2), "Columbus Day"),
        (observed(fixed(11, 11)), "Veterans Day"),
        (nth_weekday(year, 11, Weekday::Thu, 4), "Thanksgiving Day"),
        (observed(fixed(12, 25)), "Christmas Day"),
    ];
    // New Year's Day on a Saturday is observed on 31 December of the year before.
    let next_new_year = observed(NaiveDate::from_ymd_opt(year + 1, 1, 1).expect("1 January is a date"));
    if next_new_year.year() == year {
        days.push((next_new_year, "New Year's Day"));
    }
    days.retain(|(d, _)| d.year() == year);
    days
}

/// The holiday observed on `date`, if any.
pub fn holiday_on(date: NaiveDate) -> Option<&'static str> {
    federal_holidays(date.year())
        .into_iter()
        .find(|(d, _)| *d == date)
        .map(|(_, name)| name)
}

pub fn is_business_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && holiday_on(date).is_none()
}

/// `date` moved by `n` business days (backwards when `n` is negative). Counting starts
/// from the next business day, so adding 1 to a Friday gives the Monday.
pub fn add_business_days(date: NaiveDate, n: i32) -> NaiveDate {
    let step = if n >= 0 { Duration::days(1) } else { Duration::days(-1) };
    let mut day = date;
    let mut left = n.unsigned_abs();
    while left > 0 {
        day += step;
        if is_business_day(day) {
            left -= 1;
        }
    }
    day
}

/// Business days from `from` to `to`: 0 for the same day, 1 from a Friday to the Monday.
pub fn business_days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    let (start, end, sign) = if from <= to { (from, to, 1) } else { (to, from, -1) };
    let count = start
        .iter_days()
        .skip(1)
        .take_while(|d| *d <= end)
        .filter(|d| is_business_day(*d))
        .count();
    sign * count as i64
}

/// The first moment at or after `now` when a customer in `tz` may be e-mailed: now if
/// it is a business day between 08:00 and 18:00 there, else 08:00 on the next business day.
pub fn next_sending_time(now: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
    next_sending_time_in(now, tz, WINDOW_OPENS, WINDOW_CLOSES)
}

/// The same for a window other than 08:00-18:00.
pub fn next_sending_time_in(now: DateTime<Utc>, tz: Tz, opens: NaiveTime, closes: NaiveTime) -> DateTime<Utc> {
    let local = now.with_timezone(&tz);
    let today = local.date_naive();
    if is_business_day(today) && local.time() >= opens && local.time() < closes {
        return now;
    }
    let mut day = if is_business_day(today) && local.time() < opens {
        today
    } else {
        today + Duration::days(1)
    };
    while !is_business_day(day) {
        day += Duration::days(1);
    }
    local_time(tz, day, opens)
}

/// The instant of a local wall-clock time; a time skipped by a DST change is moved an
/// hour later, an ambiguous one takes the earlier instant.
pub fn local_time(tz: Tz, day: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let naive = day.and_time(time);
    tz.from_local_datetime(&naive)
        .earliest()
        .or_else(|| tz.from_local_datetime(&(naive + Duration::hours(1))).earliest())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&naive))
}

fn observed(date: NaiveDate) -> NaiveDate {
    match date.weekday() {
        Weekday::Sat => date - Duration::days(1),
        Weekday::Sun => date + Duration::days(1),
        _ => date,
    }
}

fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: u8) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, n).expect("every month has its first four weekdays")
}

fn last_weekday(year: i32, month: u32, weekday: Weekday) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, 5)
        .unwrap_or_else(|| nth_weekday(year, month, weekday, 4))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn the_federal_holidays_fall_on_their_observed_days() {
        let cases = [
            ("2026-01-01", "New Year's Day"),
            ("2026-01-19", "Martin Luther King Jr. Day"),
            ("2026-02-16", "Washington's Birthday"),
            ("2026-05-25", "Memorial Day"),
            ("2026-06-19", "Juneteenth"),
            ("2026-07-03", "Independence Day"), // 4 July 2026 is a Saturday
            ("2026-09-07", "Labor Day"),
            ("2026-10-12", "Columbus Day"),
            ("2026-11-11", "Veterans Day"),
            ("2026-11-26", "Thanksgiving Day"),
            ("2026-12-25", "Christmas Day"),
            ("2027-06-18", "Juneteenth"),       // Saturday, observed Friday
            ("2027-12-24", "Christmas Day"),    // Saturday, observed Friday
            ("2027-12-31", "New Year's Day"),   // 1 January 2028 is a Saturday
            ("2023-01-02", "New Year's Day"),   // Sunday, observed Monday
            ("2021-07-05", "Independence Day"), // Sunday, observed Monday
            ("2028-11-10", "Veterans Day"),     // Saturday, observed Friday
        ];
        for (date, name) in cases {
            assert_eq!(holiday_on(d(date)), Some(name), "{date}");
        }
        assert_eq!(federal_holidays(2026).len(), 11);
        assert_eq!(
            federal_holidays(2027).len(),
            12,
            "2027 also observes New Year's Day 2028"
        );
        assert_eq!(
            federal_holidays(2028).len(),
            10,
            "its New Year's Day was observed in 2027"
        );
        for not_holiday in ["2026-07-04", "2026-11-27", "2022-01-01", "2026-12-24"] {
            assert_eq!(holiday_on(d(not_holiday)), None, "{not_holiday}");
        }
    }

    #[test]
    fn business_days_skip_weekends_and_holidays() {
        let cases = [
            ("2026-11-23", 1, "2026-11-24"), // Monday → Tuesday
            ("2026-11-23", 3, "2026-11-27"), // over Thanksgiving
            ("2026-11-23", 5, "2026-12-01"),
            ("2026-11-25", 1, "2026-11-27"), // Wednesday → Friday
            ("2026-11-27", 1, "2026-11-30"), // Friday → Monday
            ("2026-07-02", 1, "2026-07-06"), // over the observed 3 July
            ("2026-12-24", 1, "2026-12-28"), // over Christmas and a weekend
            ("2026-11-28", 1, "2026-11-30"), // from a Saturday
            ("2026-11-30", 0, "2026-11-30"),
            ("2026-11-30", -1, "2026-11-27"),
            ("2026-11-27", -1, "2026-11-25"), // back over Thanksgiving
            ("2026-12-04", -3, "2026-12-01"),
        ];
        for (from, n, to) in cases {
            assert_eq!(add_business_days(d(from), n), d(to), "{from} {n:+}");
        }
        assert!(!is_business_day(d("2026-11-26")));
        assert!(!is_business_day(d("2026-11-28")));
        assert!(is_business_day(d("2026-11-27")));
        assert_eq!(business_days_between(d("2026-11-23"), d("2026-12-01")), 5);
        assert_eq!(business_days_between(d("2026-12-01"), d("2026-11-23")), -5);
        assert_eq!(business_days_between(d("2026-11-27"), d("2026-11-27")), 0);
    }

    #[test]
    fn customers_are_written_to_only_in_their_business_hours() {
        let ny: Tz = "America/New_York".parse().unwrap();
        let la: Tz = "America/Los_Angeles".parse().unwrap();
        let cases = [
            // Tuesday 10:00 New York: now.
            ("2026-11-24T15:00:00Z", ny, "2026-11-24T15:00:00Z"),
            // Tuesday 07:59 New York: at 08:00.
            ("2026-11-24T12:59:00Z", ny, "2026-11-24T13:00:00Z"),
            // Tuesday 18:00 New York: Wednesday 08:00.
            ("2026-11-24T23:00:00Z", ny, "2026-11-25T13:00:00Z"),
            // Wednesday evening: over Thanksgiving to Friday 08:00.
            ("2026-11-25T23:30:00Z", ny, "2026-11-27T13:00:00Z"),
            // Friday evening: Monday 08:00.
            ("2026-11-27T23:30:00Z", ny, "2026-11-30T13:00:00Z"),
            // 09:00 in New York is 06:00 in Los Angeles: wait for 08:00 there.
            ("2026-11-24T14:00:00Z", la, "2026-11-24T16:00:00Z"),
            // Summer time: 08:00 EDT is 12:00 UTC.
            ("2026-07-06T03:00:00Z", ny, "2026-07-06T12:00:00Z"),
            // Sunday of the DST change: Monday 08:00 EST.
            ("2026-11-01T12:00:00Z", ny, "2026-11-02T13:00:00Z"),
        ];
        for (now, tz, expected) in cases {
            assert_eq!(next_sending_time(t(now), tz), t(expected), "{now} in {tz}");
        }
    }
}
