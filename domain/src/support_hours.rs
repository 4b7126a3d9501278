//! When the support team answers, as a program can read it: the weekly hours live
//! chat is offered in, written by editors one range a line (`[chat] hours` in
//! content/site.toml) and read in the support time zone.
//!
//! A line is days, a space, then hours:
//! - days: `mon` … `sun` (or the full names, in any case), a range `mon-fri` (it
//!   may wrap the week: `fri-mon`), or a list `mon,wed,fri-sun`;
//! - hours: `09:00-17:00`, on the 24-hour clock, closing at `24:00` at the latest.
//!   A range never passes midnight: `fri 22:00-02:00` is refused with the two lines
//!   to write instead (`fri 22:00-24:00` and `sat 00:00-02:00`), so every line
//!   reads as one day's hours.
//!
//! Lines add up: several on one day, overlapping or touching, are open whenever
//! one of them is. Hours are wall-clock times in the zone, also on the days clocks
//! change: `09:00-17:00` is 09:00 to 17:00 as the clock on the wall shows it, and a
//! range that starts in the hour skipped in spring opens when the clocks jump past it.

use jiff::civil::{Date, DateTime, Weekday};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{Timestamp, ZonedDateTime};
use std::fmt;
use std::str::FromStr;

const MINUTES_PER_DAY: u16 = 24 * 60;
const DAY_NAMES: [(&str, &str); 7] = [
    ("mon", "monday"),
    ("tue", "tuesday"),
    ("wed", "wednesday"),
    ("thu", "thursday"),
    ("fri", "friday"),
    ("sat", "saturday"),
    ("sun", "sunday"),
];
const LINE_EXAMPLE: &str = "\"mon-fri 09:00-17:00\"";
const DAYS_HELP: &str =
    "use mon, tue, wed, thu, fri, sat or sun, a range such as mon-fri, or a list such as mon,wed,fri";
const TIME_HELP: &str = "use 24-hour times from 00:00 to 24:00, e.g. 09:00 or 17:30";
/// Text quoted from a line in a message is cut to this many characters.
const QUOTED_CHARS: usize = 30;

/// The weekly hours support answers in: never empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SupportHours {
    ranges: Vec<OpeningHours>,
}

/// One line of support hours: some days of the week, from a time to a later one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpeningHours {
    days: Days,
    /// Minutes after midnight, opening included and closing not: 0 to 1440.
    opens: u16,
    closes: u16,
}

/// Days of the week, a bit each: Monday is bit 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Days(u8);

/// A line of support hours that does not read: where in the line (a byte offset),
/// what is wrong and how to write it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoursError {
    pub offset: usize,
    pub message: String,
    pub help: String,
}

impl SupportHours {
    /// The hours the lines add up to; `None` when there are none (chat would never
    /// be offered: leaving the hours out says "whenever an agent is online").
    pub fn new(ranges: Vec<OpeningHours>) -> Option<SupportHours> {
        (!ranges.is_empty()).then_some(SupportHours { ranges })
    }

    /// Whether support answers at `at`, reading the hours in `zone`.
    pub fn is_open_at(&self, at: Timestamp, zone: &TimeZone) -> bool {
        let local = zone.to_datetime(at);
        let minute = u16::from(local.hour().unsigned_abs()) * 60 + u16::from(local.minute().unsigned_abs());
        self.ranges.iter().any(|range| range.covers(local.weekday(), minute))
    }

    /// When support opens next, after `at`, in `zone`; `None` while it is open.
    pub fn next_opening(&self, at: Timestamp, zone: &TimeZone) -> Option<ZonedDateTime> {
        self.next_opening_with_days(at, zone).map(|(opening, _)| opening)
    }

    /// "We're back today at 13:00", "… tomorrow at 09:00", "… Monday at 09:00" (or
    /// "next Monday" a week on), as the clock in `zone` reads; `None` while open.
    /// The caller names the zone when visitors may be elsewhere.
    pub fn reopening_words(&self, at: Timestamp, zone: &TimeZone) -> Option<String> {
        let (opening, days_ahead) = self.next_opening_with_days(at, zone)?;
        let day = match days_ahead {
            0 => "today".to_owned(),
            1 => "tomorrow".to_owned(),
            2..=6 => opening.strftime("%A").to_string(),
            _ => format!("next {}", opening.strftime("%A")),
        };
        Some(format!("We're back {day} at {}", opening.strftime("%H:%M")))
    }

    /// The next opening with how many of the zone's calendar days ahead it is. The
    /// hours repeat every week, so it is at most a week (and a day's slack for a
    /// range lost in a clock change) away.
    fn next_opening_with_days(&self, at: Timestamp, zone: &TimeZone) -> Option<(ZonedDateTime, i64)> {
        if self.is_open_at(at, zone) {
            return None;
        }
        let mut day = zone.to_datetime(at).date();
        for days_ahead in 0..=8 {
            let opening = self
                .ranges
                .iter()
                .filter(|range| range.days.contains(day.weekday()))
                .filter_map(|range| opening_instant(zone, day, range.opens))
                .filter(|opening| *opening > at && self.is_open_at(*opening, zone))
                .min();
            if let Some(opening) = opening {
                return Some((opening.to_zoned_datetime(zone.clone()), days_ahead));
            }
            day = day.tomorrow().ok()?;
        }
        None
    }
}

/// The moment the clock in `zone` first shows `minute` on `day`. In the hour skipped
/// in spring, that time never shows: the range opens when the clocks jump past it.
fn opening_instant(zone: &TimeZone, day: Date, minute: u16) -> Option<Timestamp> {
    let hour = i8::try_from(minute / 60).ok()?;
    let minute = i8::try_from(minute % 60).ok()?;
    let civil: DateTime = day.at(hour, minute, 0, 0);
    let ambiguous = zone.to_ambiguous_timestamp(civil);
    match ambiguous.offset() {
        AmbiguousOffset::Gap { .. } => {
            let before_the_jump = ambiguous.earlier().ok()?;
            zone.following(before_the_jump).next().map(|jump| jump.timestamp())
        }
        // In the hour repeated in autumn, the first time the clock shows it.
        _ => ambiguous.earlier().ok(),
    }
}

impl OpeningHours {
    fn covers(&self, day: Weekday, minute: u16) -> bool {
        self.days.contains(day) && self.opens <= minute && minute < self.closes
    }
}

impl FromStr for OpeningHours {
    type Err = HoursError;

    /// Reads one line such as `mon-fri 09:00-17:00`.
    fn from_str(line: &str) -> Result<OpeningHours, HoursError> {
        let mut words = words(line);
        let Some((days_at, days_text)) = words.next() else {
            return Err(HoursError::new(
                0,
                "the line is empty",
                format!("write days and hours, e.g. {LINE_EXAMPLE}"),
            ));
        };
        if days_text.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(HoursError::new(
                days_at,
                format!("`{}` has no days", quoted(days_text)),
                format!("put the days first, e.g. {LINE_EXAMPLE}"),
            ));
        }
        let days = Days::parse(days_text, days_at)?;
        let Some((hours_at, hours_text)) = words.next() else {
            return Err(HoursError::new(
                days_at + days_text.len(),
                format!("`{}` has no hours", quoted(days_text)),
                format!("add the hours after the days, e.g. {LINE_EXAMPLE}"),
            ));
        };
        let (opens, closes) = parse_hours(hours_text, hours_at)?;
        if closes < opens {
            return Err(HoursError::new(
                hours_at,
                format!("`{}` passes midnight", quoted(hours_text)),
                format!(
                    "split it at midnight into two lines: \"{days_text} {}-24:00\" and \"{} 00:00-{}\"",
                    clock(opens),
                    days.next_days(),
                    clock(closes)
                ),
            ));
        }
        if closes == opens {
            return Err(HoursError::new(
                hours_at,
                format!("`{}` opens and closes at the same time", quoted(hours_text)),
                "give a later closing time, e.g. 09:00-17:00 (00:00-24:00 is the whole day)",
            ));
        }
        if let Some((extra_at, extra)) = words.next() {
            return Err(HoursError::new(
                extra_at,
                format!("unexpected `{}` after the hours", quoted(extra)),
                format!(
                    "write one range a line, the days, a space and the hours, without spaces inside: {LINE_EXAMPLE}"
                ),
            ));
        }
        Ok(OpeningHours { days, opens, closes })
    }
}

/// The line's words, each with its byte offset.
fn words(line: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut words = Vec::new();
    let mut start = None;
    for (index, c) in line.char_indices() {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some(index),
            (true, Some(from)) => {
                words.push((from, &line[from..index]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(from) = start {
        words.push((from, &line[from..]));
    }
    words.into_iter()
}

/// `09:00-17:00`, at byte `at` of its line, as minutes after midnight.
fn parse_hours(text: &str, at: usize) -> Result<(u16, u16), HoursError> {
    let Some((open_text, close_text)) = text.split_once('-') else {
        return Err(HoursError::new(
            at,
            format!("`{}` is not a range of hours", quoted(text)),
            "write the opening and closing times joined by a dash, e.g. 09:00-17:00",
        ));
    };
    let opens = parse_time(open_text, at, "opening")?;
    let closes = parse_time(close_text, at + open_text.len() + 1, "closing")?;
    if opens == MINUTES_PER_DAY {
        return Err(HoursError::new(
            at,
            "nothing opens at 24:00, the end of the day",
            "write 00:00 for the start of a day",
        ));
    }
    Ok((opens, closes))
}

/// `9:00`, `09:00` or `24:00` as minutes after midnight.
fn parse_time(text: &str, at: usize, which: &str) -> Result<u16, HoursError> {
    if text.is_empty() {
        return Err(HoursError::new(at, format!("the {which} time is missing"), TIME_HELP));
    }
    let minutes = text
        .split_once(':')
        .filter(|(hour, minute)| {
            (1..=2).contains(&hour.len())
                && minute.len() == 2
                && hour.bytes().chain(minute.bytes()).all(|b| b.is_ascii_digit())
        })
        .and_then(|(hour, minute)| Some((hour.parse::<u16>().ok()?, minute.parse::<u16>().ok()?)))
        .filter(|(hour, minute)| *minute < 60 && (*hour < 24 || (*hour == 24 && *minute == 0)))
        .map(|(hour, minute)| hour * 60 + minute);
    minutes.ok_or_else(|| HoursError::new(at, format!("`{}` is not a time of day", quoted(text)), TIME_HELP))
}

/// Minutes after midnight as the clock shows them: "09:00", "24:00".
fn clock(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

impl Days {
    const ALL: Days = Days(0b111_1111);

    fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.to_monday_zero_offset()) != 0
    }

    /// `mon`, `mon-fri`, `fri-mon` or a list of those, at byte `at` of its line.
    fn parse(text: &str, at: usize) -> Result<Days, HoursError> {
        let mut days = 0u8;
        let mut offset = at;
        for part in text.split(',') {
            days |= match part.split_once('-') {
                None => 1 << day_number(part, offset)?,
                Some((first, last)) => {
                    let first = day_number(first, offset)?;
                    let last = day_number(last, offset + part.len() - last.len())?;
                    let length = (last + 7 - first) % 7 + 1;
                    (0..length).fold(0u8, |days, step| days | 1 << ((first + step) % 7))
                }
            };
            offset += part.len() + 1;
        }
        Ok(Days(days))
    }

    /// The days after these: where a range past midnight goes on.
    fn next_days(self) -> Days {
        Days(((self.0 << 1) | (self.0 >> 6)) & Days::ALL.0)
    }

    fn has(self, day: u8) -> bool {
        self.0 & (1 << (day % 7)) != 0
    }
}

/// Days as a line writes them, in runs: "mon-fri", "sat", "sun-mon", "mon,wed".
impl fmt::Display for Days {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == Days::ALL {
            return f.write_str("mon-sun");
        }
        // From Monday, or from the start of a run that goes on into Monday, so a run
        // across Sunday night stays whole: "sun-mon".
        let mut start = 7;
        while start > 1 && self.has(start - 1) {
            start -= 1;
        }
        let mut runs = Vec::new();
        let mut day = start;
        while day < start + 7 {
            if !self.has(day) {
                day += 1;
                continue;
            }
            let first = day;
            while day + 1 < start + 7 && self.has(day + 1) {
                day += 1;
            }
            let name = |day: u8| DAY_NAMES[usize::from(day % 7)].0;
            runs.push(if first == day {
                name(first).to_owned()
            } else {
                format!("{}-{}", name(first), name(day))
            });
            day += 1;
        }
        f.write_str(&runs.join(","))
    }
}

/// A day's number (Monday 0) from its name, at byte `at` of its line.
fn day_number(name: &str, at: usize) -> Result<u8, HoursError> {
    if name.is_empty() {
        return Err(HoursError::new(at, "a day is missing", DAYS_HELP));
    }
    let lower = name.to_lowercase();
    DAY_NAMES
        .iter()
        .position(|(short, long)| lower == *short || lower == *long)
        .and_then(|day| u8::try_from(day).ok())
        .ok_or_else(|| HoursError::new(at, format!("`{}` is not a day", quoted(name)), DAYS_HELP))
}

/// Editors' text in a message, cut short.
fn quoted(text: &str) -> String {
    if text.chars().count() > QUOTED_CHARS {
        format!("{}…", text.chars().take(QUOTED_CHARS - 1).collect::<String>())
    } else {
        text.to_owned()
    }
}

impl HoursError {
    fn new(offset: usize, message: impl Into<String>, help: impl Into<String>) -> HoursError {
        HoursError { offset, message: message.into(), help: help.into() }
    }
}

impl fmt::Display for HoursError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (help: {})", self.message, self.help)
    }
}

impl std::error::Error for HoursError {}

#[cfg(test)]
mod tests;
