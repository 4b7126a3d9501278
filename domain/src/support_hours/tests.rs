use super::*;

fn hours(lines: &[&str]) -> SupportHours {
    SupportHours::new(lines.iter().map(|line| line.parse().unwrap()).collect()).unwrap()
}

fn new_york() -> TimeZone {
    TimeZone::get("America/New_York").unwrap()
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn range(days: u8, opens: u16, closes: u16) -> OpeningHours {
    OpeningHours { days: Days(days), opens, closes }
}

#[test]
fn lines_read_as_days_and_hours() {
    const WEEKDAYS: u8 = 0b001_1111;
    for (line, expected) in [
        ("mon-fri 09:00-17:00", range(WEEKDAYS, 9 * 60, 17 * 60)),
        ("sat 10:00-14:00", range(0b010_0000, 10 * 60, 14 * 60)),
        ("  Monday,WED\t9:00-12:30 ", range(0b000_0101, 9 * 60, 12 * 60 + 30)),
        ("fri-mon 00:00-24:00", range(0b111_0001, 0, 24 * 60)),
        ("sun-sat 08:00-08:01", range(0b111_1111, 8 * 60, 8 * 60 + 1)),
        ("mon-mon,fri 07:15-07:45", range(0b001_0001, 7 * 60 + 15, 7 * 60 + 45)),
    ] {
        assert_eq!(line.parse::<OpeningHours>(), Ok(expected), "{line}");
    }
    assert_eq!(SupportHours::new(Vec::new()), None, "no lines: never open is not a thing to say");
}

#[test]
fn a_line_that_does_not_read_says_where_and_how_to_write_it() {
    let no_days = "put the days first, e.g. \"mon-fri 09:00-17:00\"";
    let no_hours = "add the hours after the days, e.g. \"mon-fri 09:00-17:00\"";
    let range_help = "write the opening and closing times joined by a dash, e.g. 09:00-17:00";
    for (line, offset, message, help) in [
        ("", 0, "the line is empty", "write days and hours, e.g. \"mon-fri 09:00-17:00\""),
        ("09:00-17:00", 0, "`09:00-17:00` has no days", no_days),
        ("mon-fri", 7, "`mon-fri` has no hours", no_hours),
        ("mun-fri 09:00-17:00", 0, "`mun` is not a day", DAYS_HELP),
        ("mon-fir 09:00-17:00", 4, "`fir` is not a day", DAYS_HELP),
        ("mon,,fri 09:00-17:00", 4, "a day is missing", DAYS_HELP),
        ("mon- 09:00-17:00", 4, "a day is missing", DAYS_HELP),
        ("weekdays 09:00-17:00", 0, "`weekdays` is not a day", DAYS_HELP),
        ("mon 09:00", 4, "`09:00` is not a range of hours", range_help),
        ("mon 9-17", 4, "`9` is not a time of day", TIME_HELP),
        ("mon 09:00-25:00", 10, "`25:00` is not a time of day", TIME_HELP),
        ("mon 09:60-17:00", 4, "`09:60` is not a time of day", TIME_HELP),
        ("mon 09:00-24:30", 10, "`24:30` is not a time of day", TIME_HELP),
        ("mon 9am-5pm", 4, "`9am` is not a time of day", TIME_HELP),
        ("mon 09:00-", 10, "the closing time is missing", TIME_HELP),
        ("mon - fri 09:00-17:00", 4, "the opening time is missing", TIME_HELP),
        (
            "mon 24:00-24:00",
            4,
            "nothing opens at 24:00, the end of the day",
            "write 00:00 for the start of a day",
        ),
        (
            "mon 09:00-09:00",
            4,
            "`09:00-09:00` opens and closes at the same time",
            "give a later closing time, e.g. 09:00-17:00 (00:00-24:00 is the whole day)",
        ),
        (
            "fri 22:00-02:00",
            4,
            "`22:00-02:00` passes midnight",
            "split it at midnight into two lines: \"fri 22:00-24:00\" and \"sat 00:00-02:00\"",
        ),
        (
            "mon-fri 22:00-01:30",
            8,
            "`22:00-01:30` passes midnight",
            "split it at midnight into two lines: \"mon-fri 22:00-24:00\" and \"tue-sat 00:00-01:30\"",
        ),
        (
            "sat,sun 20:00-06:00",
            8,
            "`20:00-06:00` passes midnight",
            "split it at midnight into two lines: \"sat,sun 20:00-24:00\" and \"sun-mon 00:00-06:00\"",
        ),
        (
            "mon 09:00-17:00 lunch",
            16,
            "unexpected `lunch` after the hours",
            "write one range a line, the days, a space and the hours, without spaces inside: \"mon-fri 09:00-17:00\"",
        ),
        ("mon 09:00-12:00, 13:00-17:00", 10, "`12:00,` is not a time of day", TIME_HELP),
    ] {
        let expected = HoursError { offset, message: message.to_owned(), help: help.to_owned() };
        assert_eq!(line.parse::<OpeningHours>(), Err(expected), "{line:?}");
    }
    let long = format!("{} 09:00-17:00", "x".repeat(500));
    let error = long.parse::<OpeningHours>().unwrap_err();
    assert_eq!(error.message, format!("`{}…` is not a day", "x".repeat(29)), "quoted short");
    assert_eq!("é mon".parse::<OpeningHours>().unwrap_err().offset, 0);
    assert_eq!("mon\u{a0}09:00-17:00 é".parse::<OpeningHours>().unwrap_err().offset, 17, "byte offsets");
}

#[test]
fn days_are_written_back_in_runs() {
    for (days, written) in [
        (0b001_1111, "mon-fri"),
        (0b110_0000, "sat-sun"),
        (0b100_0001, "sun-mon"),
        (0b111_1111, "mon-sun"),
        (0b101_0101, "sun-mon,wed,fri"),
        (0b000_0100, "wed"),
    ] {
        assert_eq!(Days(days).to_string(), written);
    }
    assert_eq!(Days(0b110_0000).next_days(), Days(0b100_0001));
    assert_eq!(Days(0b100_0000).next_days(), Days(0b000_0001));
}

#[test]
fn open_hours_follow_the_wall_clock_across_a_change_of_clocks() {
    let weekdays = hours(&["mon-fri 09:00-17:00"]);
    let zone = new_york();
    for (moment, open) in [
        // Friday 6 March 2026, winter time (UTC-5): 09:00 is 14:00 UTC.
        ("2026-03-06T13:59:59Z", false),
        ("2026-03-06T14:00:00Z", true),
        ("2026-03-06T21:59:59Z", true),
        ("2026-03-06T22:00:00Z", false),
        // The clocks go forward on Sunday 8 March; Monday 9 March is summer time
        // (UTC-4): 09:00 is 13:00 UTC, an hour earlier than on Friday.
        ("2026-03-09T12:59:59Z", false),
        ("2026-03-09T13:00:00Z", true),
        ("2026-03-09T13:30:00Z", true),
        ("2026-03-09T20:59:59Z", true),
        ("2026-03-09T21:00:00Z", false),
        // The weekend between.
        ("2026-03-07T15:00:00Z", false),
        ("2026-03-08T15:00:00Z", false),
    ] {
        assert_eq!(weekdays.is_open_at(at(moment), &zone), open, "{moment}");
    }
    assert!(!weekdays.is_open_at(at("2026-03-06T13:30:00Z"), &zone), "13:30 UTC is 08:30 on Friday");
    assert!(weekdays.is_open_at(at("2026-03-06T14:30:00Z"), &TimeZone::UTC), "read in the zone given");
}

#[test]
fn lines_add_up_and_a_night_is_two_lines() {
    let zone = new_york();
    let split_night = hours(&["fri 22:00-24:00", "sat 00:00-02:00", "mon 09:00-12:00", "mon 12:00-17:00"]);
    for (local, open) in [
        ("2026-06-05T21:59:00", false),
        ("2026-06-05T22:00:00", true),
        ("2026-06-05T23:59:59", true),
        ("2026-06-06T00:00:00", true),
        ("2026-06-06T01:59:00", true),
        ("2026-06-06T02:00:00", false),
        ("2026-06-08T11:59:00", true),
        ("2026-06-08T12:00:00", true),
        ("2026-06-08T17:00:00", false),
    ] {
        let moment = zone.to_zoned_datetime(local.parse().unwrap()).unwrap().timestamp();
        assert_eq!(split_night.is_open_at(moment, &zone), open, "{local}");
    }
}

#[test]
fn the_next_opening_in_words_as_the_zones_clock_reads() {
    let zone = new_york();
    let weekdays = hours(&["mon-fri 09:00-17:00", "sat 10:00-14:00"]);
    let mondays = hours(&["mon 09:00-17:00"]);
    let cases = [
        // Friday 6 March, 18:00 winter time: back on Saturday.
        (&weekdays, "2026-03-06T23:00:00Z", Some(("2026-03-07T15:00:00Z", "We're back tomorrow at 10:00"))),
        // Saturday 7 March, 15:00: back on Monday, after the clocks went forward.
        (&weekdays, "2026-03-07T20:00:00Z", Some(("2026-03-09T13:00:00Z", "We're back Monday at 09:00"))),
        // Monday 07:00 summer time: back today.
        (&weekdays, "2026-03-09T11:00:00Z", Some(("2026-03-09T13:00:00Z", "We're back today at 09:00"))),
        (&weekdays, "2026-03-09T14:00:00Z", None),
        // Monday 18:00: a week on.
        (&mondays, "2026-03-09T22:00:00Z", Some(("2026-03-16T13:00:00Z", "We're back next Monday at 09:00"))),
    ];
    for (hours, now, expected) in cases {
        let next = hours.next_opening(at(now), &zone).map(|opening| opening.timestamp());
        assert_eq!(next, expected.map(|(opening, _)| at(opening)), "{now}");
        assert_eq!(
            hours.reopening_words(at(now), &zone).as_deref(),
            expected.map(|(_, words)| words),
            "{now}"
        );
    }
}

#[test]
fn an_opening_in_the_skipped_hour_is_when_the_clocks_jump_and_a_repeated_hour_opens_once() {
    let zone = new_york();
    let sunday_night = at("2026-03-08T05:00:00Z"); // 00:00 on Sunday 8 March, winter time.
    // 02:30 never shows that night: the clocks go from 02:00 to 03:00 (07:00 UTC).
    let skipped = hours(&["sun 02:30-05:00"]);
    assert_eq!(skipped.next_opening(sunday_night, &zone).unwrap().timestamp(), at("2026-03-08T07:00:00Z"));
    assert_eq!(skipped.reopening_words(sunday_night, &zone).as_deref(), Some("We're back today at 03:00"));
    // A range wholly inside the skipped hour does not open that night at all.
    let lost = hours(&["sun 02:00-02:30"]);
    assert_eq!(lost.next_opening(sunday_night, &zone).unwrap().timestamp(), at("2026-03-15T06:00:00Z"));
    // 01:30 shows twice on Sunday 1 November: opening is the first time (05:30 UTC).
    let repeated = hours(&["sun 01:30-03:00"]);
    let before = at("2026-11-01T04:00:00Z");
    assert_eq!(repeated.next_opening(before, &zone).unwrap().timestamp(), at("2026-11-01T05:30:00Z"));
    assert!(repeated.is_open_at(at("2026-11-01T06:45:00Z"), &zone), "01:45 the second time");
    assert!(!repeated.is_open_at(at("2026-11-01T06:15:00Z"), &zone), "01:15 the second time");
}
