//! Dates as people read them: "Sat 16 Jan, 02:00–06:00 (New York time)", in the
//! site's time zone (`time_zone` in content/site.toml, an IANA name), whatever the
//! server's or the visitor's zone.

use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};

/// The site's time zone, with the words that name it to visitors.
#[derive(Clone, Debug)]
pub struct SiteTimeZone {
    zone: TimeZone,
    /// "New York time", or "UTC".
    label: String,
}

impl SiteTimeZone {
    /// The zone an IANA name names, from the time zone database bundled into the
    /// binary (so a server without /usr/share/zoneinfo reads the same dates).
    pub fn named(name: &str) -> Option<SiteTimeZone> {
        let zone = TimeZone::get(name).ok()?;
        let city = name.rsplit('/').next().unwrap_or(name).replace('_', " ");
        let label = if city.eq_ignore_ascii_case("utc") { "UTC".to_owned() } else { format!("{city} time") };
        Some(SiteTimeZone { zone, label })
    }

    pub fn utc() -> SiteTimeZone {
        SiteTimeZone { zone: TimeZone::UTC, label: "UTC".to_owned() }
    }

    pub fn time_zone(&self) -> &TimeZone {
        &self.zone
    }

    /// How visitors are told the zone: "New York time", "UTC".
    pub fn label(&self) -> &str {
        &self.label
    }

    fn at(&self, unix_seconds: i64) -> ZonedDateTime {
        Timestamp::from_second(unix_seconds)
            .unwrap_or(Timestamp::UNIX_EPOCH)
            .to_zoned_datetime(self.zone.clone())
    }

    /// A window of time: "Sat 16 Jan, 02:00–06:00 (New York time)" within a day,
    /// "Mon 16 Nov, 00:00 – Sun 10 Jan, 23:59 (New York time)" across days, and
    /// "from Mon 1 Feb, 00:00 (New York time)" with no end. Notices are about the
    /// weeks around today, so the year is left out, unless the window spans two
    /// years: "Tue 31 Dec 2019, 19:00 – Wed 31 Dec 2098, 19:00 (New York time)".
    pub fn window(&self, from: i64, until: Option<i64>) -> String {
        let start = self.at(from);
        let when = match until.map(|until| self.at(until)) {
            None => format!("from {}", start.strftime("%a %-d %b, %H:%M")),
            Some(end) if end.date() == start.date() => {
                format!("{}–{}", start.strftime("%a %-d %b, %H:%M"), end.strftime("%H:%M"))
            }
            Some(end) if end.year() == start.year() => {
                format!("{} – {}", start.strftime("%a %-d %b, %H:%M"), end.strftime("%a %-d %b, %H:%M"))
            }
            Some(end) => {
                format!("{} – {}", start.strftime("%a %-d %b %Y, %H:%M"), end.strftime("%a %-d %b %Y, %H:%M"))
            }
        };
        format!("{when} ({})", self.label)
    }

    /// The calendar date at a moment, as forms write dates: "2026-12-02". Date
    /// rules (a refund window of 30 days) count from this, the site's today.
    pub fn date_at(&self, unix_seconds: i64) -> String {
        self.at(unix_seconds).strftime("%Y-%m-%d").to_string()
    }

    /// Today in the site's time zone, as forms write dates.
    pub fn today(&self) -> String {
        self.date_at(jiff::Timestamp::now().as_second())
    }

    /// One moment with its year, since a request can be looked at long after it was
    /// sent: "Wed 2 Dec 2026, 10:15 (New York time)".
    pub fn moment(&self, unix_seconds: i64) -> String {
        format!("{} ({})", self.at(unix_seconds).strftime("%a %-d %b %Y, %H:%M"), self.label)
    }

    /// A moment of a conversation as an agent reads it beside others: "14:05" on the
    /// day of `now`, "Tue 1 Dec, 14:05" before it, "1 Dec 2025, 14:05" in another year.
    pub fn clock_time(&self, unix_ms: i64, now_ms: i64) -> String {
        let (at, now) = (self.at(unix_ms.div_euclid(1000)), self.at(now_ms.div_euclid(1000)));
        if at.date() == now.date() {
            at.strftime("%H:%M").to_string()
        } else if at.year() == now.year() {
            at.strftime("%a %-d %b, %H:%M").to_string()
        } else {
            at.strftime("%-d %b %Y, %H:%M").to_string()
        }
    }

    /// The day `business_days` working days (Monday to Friday) after the moment, as
    /// the site's calendar counts them: "Fri 4 Dec". A request sent on Friday and
    /// answered within 1 business day is answered by Monday.
    pub fn business_days_after(&self, unix_seconds: i64, business_days: u32) -> String {
        use jiff::civil::Weekday;
        let mut day = self.at(unix_seconds).date();
        let mut left = business_days;
        while left > 0 {
            day = day.tomorrow().unwrap_or(day);
            if !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
                left -= 1;
            }
        }
        day.strftime("%a %-d %b").to_string()
    }
}

/// A calendar date as people read it: "14 October 2026".
pub fn readable_date(date: &toml::value::Date) -> String {
    match jiff::civil::Date::new(
        i16::try_from(date.year).unwrap_or(i16::MAX),
        i8::try_from(date.month).unwrap_or(1),
        i8::try_from(date.day).unwrap_or(1),
    ) {
        Ok(date) => date.strftime("%-d %B %Y").to_string(),
        Err(_) => format!("{:04}-{:02}-{:02}", date.year, date.month, date.day),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::unix_seconds;

    fn at(text: &str) -> i64 {
        unix_seconds(&text.parse().unwrap()).unwrap()
    }

    #[test]
    fn windows_read_in_the_sites_time_zone_across_dst() {
        let new_york = SiteTimeZone::named("America/New_York").unwrap();
        let cases = [
            // Written in UTC, read in New York winter time.
            (
                at("2027-01-16T07:00:00Z"),
                Some(at("2027-01-16T11:00:00Z")),
                "Sat 16 Jan, 02:00–06:00 (New York time)",
            ),
            (
                at("2026-11-16T00:00:00-05:00"),
                Some(at("2027-01-10T23:59:00-05:00")),
                "Mon 16 Nov 2026, 00:00 – Sun 10 Jan 2027, 23:59 (New York time)",
            ),
            // Summer time: 13:10 EDT is 17:10 UTC.
            (
                at("2026-10-14T17:10:00Z"),
                Some(at("2026-10-14T18:25:00Z")),
                "Wed 14 Oct, 13:10–14:25 (New York time)",
            ),
            (at("2027-02-01T00:00:00-05:00"), None, "from Mon 1 Feb, 00:00 (New York time)"),
            // The night New York falls back: 01:30 EDT to 01:30 EST is one day, one hour.
            (
                at("2026-11-01T01:30:00-04:00"),
                Some(at("2026-11-01T01:30:00-05:00")),
                "Sun 1 Nov, 01:30–01:30 (New York time)",
            ),
        ];
        for (from, until, expected) in cases {
            assert_eq!(new_york.window(from, until), expected);
        }
        assert_eq!(SiteTimeZone::utc().window(0, Some(60)), "Thu 1 Jan, 00:00–00:01 (UTC)");
        assert_eq!(
            SiteTimeZone::named("Europe/London").unwrap().window(0, None),
            "from Thu 1 Jan, 01:00 (London time)"
        );
        assert!(SiteTimeZone::named("America/Gotham").is_none());
        assert!(SiteTimeZone::named("EST5EDT").is_some());
    }

    #[test]
    fn a_conversations_moments_read_shortest_on_the_same_day() {
        let new_york = SiteTimeZone::named("America/New_York").unwrap();
        let now = at("2026-12-02T15:15:00Z") * 1000;
        assert_eq!(new_york.clock_time(at("2026-12-02T14:05:00Z") * 1000, now), "09:05");
        assert_eq!(new_york.clock_time(at("2026-12-01T19:05:00Z") * 1000, now), "Tue 1 Dec, 14:05");
        assert_eq!(new_york.clock_time(at("2025-12-01T19:05:00Z") * 1000, now), "1 Dec 2025, 14:05");
    }

    #[test]
    fn a_reply_due_in_business_days_skips_the_weekend_in_the_sites_calendar() {
        let new_york = SiteTimeZone::named("America/New_York").unwrap();
        // Wednesday 2 December 2026, 10:15 in New York.
        let wednesday = at("2026-12-02T15:15:00Z");
        assert_eq!(new_york.moment(wednesday), "Wed 2 Dec 2026, 10:15 (New York time)");
        assert_eq!(new_york.date_at(at("2026-12-03T04:00:00Z")), "2026-12-02", "still the 2nd in New York");
        assert_eq!(new_york.business_days_after(wednesday, 2), "Fri 4 Dec");
        assert_eq!(new_york.business_days_after(wednesday, 3), "Mon 7 Dec");
        // Friday 22:00 in New York is already Saturday in UTC: the site's calendar counts.
        let friday_night = at("2026-12-05T03:00:00Z");
        assert_eq!(new_york.business_days_after(friday_night, 1), "Mon 7 Dec");
        assert_eq!(SiteTimeZone::utc().business_days_after(friday_night, 1), "Mon 7 Dec");
        assert_eq!(new_york.business_days_after(wednesday, 0), "Wed 2 Dec");
    }

    #[test]
    fn calendar_dates_spell_out_the_month() {
        assert_eq!(
            readable_date(&"2026-10-04".parse::<toml::value::Datetime>().unwrap().date.unwrap()),
            "4 October 2026"
        );
    }
}
