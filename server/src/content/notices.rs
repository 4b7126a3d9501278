//! Proactive notices: `content/notices/<id>.md`, shown to their audience between
//! `starts` and `ends` (date-times with a UTC offset, so there is no doubt what
//! instant an editor meant, whatever the visitor's or server's time zone).

use super::dates::SiteTimeZone;
use super::diagnostic::{Diagnostic, Position};
use super::links::{Address, classify};
use super::references::Target;
use super::source::SourceContext;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use telepath_domain::{Audience, Level, Notice, Severity};
use toml::Spanned;
use toml::value::{Datetime, Offset};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NoticeFrontMatter {
    title: String,
    severity: Severity,
    starts: Spanned<Datetime>,
    ends: Spanned<Datetime>,
    happens_from: Option<Spanned<Datetime>>,
    happens_until: Option<Spanned<Datetime>>,
    #[serde(default)]
    audience: AudienceFrontMatter,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AudienceFrontMatter {
    #[serde(default)]
    levels: Vec<Level>,
    #[serde(default)]
    categories: Vec<Spanned<String>>,
    #[serde(default)]
    tasks: Vec<Spanned<String>>,
    #[serde(default)]
    paths: Vec<Spanned<String>>,
}

#[derive(Clone, Debug)]
pub struct NoticeFile {
    /// The path as editors see it in diagnostics, e.g. `content/notices/outage.md`.
    pub source: PathBuf,
    /// Without its texts, which depend on the site's time zone: see `in_zone`.
    pub notice: Notice,
}

impl NoticeFile {
    /// Parses `content/notices/<id>.md`, reporting every problem to `source`; `None`
    /// when the notice cannot be shown. Long on purpose: it reads as the notice's
    /// checks in the order an editor fixes them (the two windows, then the audience).
    pub(super) fn from_file(source: &mut SourceContext<'_>, path: &Path) -> Option<NoticeFile> {
        let id = path.file_stem()?.to_str()?.to_owned();
        let (document, text, shown) = source.parse_file::<NoticeFrontMatter>(path)?;
        let offset = document.front_matter_offset;
        let at = |span: std::ops::Range<usize>| Position::of_offset(&text, offset + span.start);
        let front_matter = document.front_matter;

        let instant =
            |field: &Spanned<Datetime>, key: &str, source: &mut SourceContext<'_>| match unix_seconds(
                field.get_ref(),
            ) {
                Some(seconds) => Some(seconds),
                None => {
                    source.report(
                    Diagnostic::error(
                        &shown,
                        at(field.span()),
                        "notice",
                        format!("`{key}` needs a date, a time and a UTC offset"),
                    )
                    .with_help(format!(
                        "write it like {key} = 2026-11-20T08:00:00-05:00 (-05:00 is US Eastern winter time)"
                    )),
                );
                    None
                }
            };
        let starts_at = instant(&front_matter.starts, "starts", source);
        let ends_at = instant(&front_matter.ends, "ends", source);
        let happens_from = front_matter.happens_from.as_ref().map(|at| instant(at, "happens_from", source));
        let happens_until =
            front_matter.happens_until.as_ref().map(|at| instant(at, "happens_until", source));
        let (starts_at, ends_at) = (starts_at?, ends_at?);
        // Absent is fine; present but unreadable (already reported) leaves the notice out.
        let valid = |instant: Option<Option<i64>>| match instant {
            Some(None) => None,
            other => Some(other.flatten()),
        };
        let (happens_from, happens_until) = (valid(happens_from)?, valid(happens_until)?);
        let backwards = |ends: &Spanned<Datetime>, what: &str, key: &str, start_key: &str| {
            Diagnostic::error(&shown, at(ends.span()), "notice", format!("{what} ends before it starts"))
                .with_help(format!("make `{key}` later than `{start_key}`"))
        };
        if ends_at <= starts_at {
            source.report(backwards(&front_matter.ends, "the notice", "ends", "starts"));
            return None;
        }
        match (&front_matter.happens_until, happens_from, happens_until) {
            (Some(until), None, Some(_)) => {
                source.report(
                    Diagnostic::error(
                        &shown,
                        at(until.span()),
                        "notice",
                        "`happens_until` without `happens_from`",
                    )
                    .with_help("add `happens_from`: when what the notice is about starts"),
                );
                return None;
            }
            (Some(until), Some(from), Some(to)) if to <= from => {
                source.report(backwards(until, "what the notice is about", "happens_until", "happens_from"));
                return None;
            }
            _ => {}
        }

        let audience = front_matter.audience;
        expect_audience(source, &shown, &at, &audience);
        let body = source.render_markdown_at(&shown, &text, document.body_offset, &document.body)?;
        source.expect_links(&shown, &text, document.body_offset, &body.internal_links);

        Some(NoticeFile {
            source: shown.clone(),
            notice: Notice {
                id,
                title: front_matter.title,
                body_html: body.html,
                severity: front_matter.severity,
                starts_at,
                ends_at,
                happens_from,
                happens_until,
                shown_text: String::new(),
                happens_text: None,
                audience: Audience {
                    levels: audience.levels,
                    categories: audience.categories.into_iter().map(Spanned::into_inner).collect(),
                    tasks: audience.tasks.into_iter().map(Spanned::into_inner).collect(),
                    paths: audience.paths.into_iter().map(Spanned::into_inner).collect(),
                },
            },
        })
    }
}

impl NoticeFile {
    /// The notice as visitors read it: its windows in the site's time zone.
    pub fn in_zone(&self, zone: &SiteTimeZone) -> Notice {
        let mut notice = self.notice.clone();
        notice.shown_text = zone.window(notice.starts_at, Some(notice.ends_at));
        notice.happens_text = notice.happens_from.map(|from| zone.window(from, notice.happens_until));
        notice
    }
}

/// Records the categories, tasks and pages a notice's audience names for checking,
/// warning about paths that are no address on this portal.
fn expect_audience(
    source: &mut SourceContext<'_>,
    shown: &Path,
    at: &dyn Fn(std::ops::Range<usize>) -> Position,
    audience: &AudienceFrontMatter,
) {
    for category in &audience.categories {
        source.reference(
            shown,
            at(category.span()),
            Target::Category { key: "audience.categories", slug: category.get_ref().clone() },
        );
    }
    for task in &audience.tasks {
        source.reference(
            shown,
            at(task.span()),
            Target::Task { key: "audience.tasks", id: task.get_ref().clone() },
        );
    }
    for portal_path in &audience.paths {
        let position = at(portal_path.span());
        match classify(portal_path.get_ref()) {
            Ok(Address::SitePath(path)) => source.expect_portal_page(shown, position, path),
            // Never shown as a link, only compared with the page being shown, so an
            // address that is no page here only means the notice shows nowhere.
            Ok(Address::External) | Err(_) => source.report(
                Diagnostic::warning(
                    shown,
                    position,
                    "link",
                    format!("`{}` is not a portal address", portal_path.get_ref()),
                )
                .with_help("use an address on this portal, starting with `/`, e.g. /articles/send-your-first-invoice"),
            ),
        }
    }
}

/// The instant a TOML offset date-time names, in Unix seconds; `None` when the value
/// lacks a date, a time or an offset.
pub fn unix_seconds(datetime: &Datetime) -> Option<i64> {
    let (date, time, offset) = (datetime.date?, datetime.time?, datetime.offset?);
    let days = days_from_civil(i64::from(date.year), i64::from(date.month), i64::from(date.day));
    let seconds_of_day = i64::from(time.hour) * 3600 + i64::from(time.minute) * 60 + i64::from(time.second);
    let offset_seconds = match offset {
        Offset::Z => 0,
        Offset::Custom { minutes } => i64::from(minutes) * 60,
    };
    Some(days * 86_400 + seconds_of_day - offset_seconds)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Option<i64> {
        unix_seconds(&text.parse::<Datetime>().unwrap())
    }

    #[test]
    fn offset_date_times_name_one_instant_across_zones_and_dst() {
        let cases = [
            ("1970-01-01T00:00:00Z", Some(0)),
            ("2000-02-29T12:00:00Z", Some(951_825_600)),
            // The same instant written in New York winter time, UTC and Berlin time.
            ("2026-11-20T08:00:00-05:00", Some(1_795_179_600)),
            ("2026-11-20T13:00:00Z", Some(1_795_179_600)),
            ("2026-11-20T14:00:00+01:00", Some(1_795_179_600)),
            // Either side of the US spring-forward change on 2027-03-14.
            ("2027-03-14T01:59:59-05:00", Some(1_805_007_599)),
            ("2027-03-14T03:00:00-04:00", Some(1_805_007_600)),
            ("2026-11-20T08:00:00", None),
            ("2026-11-20", None),
        ];
        for (text, expected) in cases {
            assert_eq!(at(text), expected, "{text}");
        }
    }

    #[test]
    fn a_notice_window_holds_across_time_zones_and_both_dst_changes() {
        use telepath_domain::{Audience, Notice, NoticeState, Severity};
        let window = |starts: &str, ends: &str| Notice {
            id: "window".into(),
            title: String::new(),
            body_html: String::new(),
            severity: Severity::Info,
            starts_at: at(starts).unwrap(),
            ends_at: at(ends).unwrap(),
            happens_from: None,
            happens_until: None,
            shown_text: starts.into(),
            happens_text: None,
            audience: Audience::default(),
        };
        // New York springs forward at 02:00 on 2027-03-14: 01:30 EST to 03:30 EDT is one hour.
        let spring = window("2027-03-14T01:30:00-05:00", "2027-03-14T03:30:00-04:00");
        // New York falls back at 02:00 on 2026-11-01: 01:30 EDT to the second 01:30 (EST) is one hour.
        let autumn = window("2026-11-01T01:30:00-04:00", "2026-11-01T01:30:00-05:00");
        let cases = [
            (&spring, "2027-03-14T01:29:59-05:00", NoticeState::Scheduled),
            (&spring, "2027-03-14T06:30:00Z", NoticeState::Current),
            (&spring, "2027-03-14T15:59:59+09:00", NoticeState::Current),
            (&spring, "2027-03-14T03:29:59-04:00", NoticeState::Current),
            (&spring, "2027-03-14T03:30:00-04:00", NoticeState::Expired),
            (&spring, "2027-03-14T08:30:00+01:00", NoticeState::Expired),
            (&autumn, "2026-11-01T01:29:59-04:00", NoticeState::Scheduled),
            (&autumn, "2026-11-01T01:30:00-04:00", NoticeState::Current),
            (&autumn, "2026-11-01T01:59:59-04:00", NoticeState::Current),
            (&autumn, "2026-11-01T01:00:00-05:00", NoticeState::Current),
            (&autumn, "2026-11-01T06:29:59Z", NoticeState::Current),
            (&autumn, "2026-11-01T01:30:00-05:00", NoticeState::Expired),
            (&autumn, "2026-11-01T15:30:00+09:00", NoticeState::Expired),
        ];
        for (notice, instant, expected) in cases {
            assert_eq!(notice.state_at(at(instant).unwrap()), expected, "{} at {instant}", notice.shown_text);
        }
        assert_eq!(spring.ends_at - spring.starts_at, 3600);
        assert_eq!(autumn.ends_at - autumn.starts_at, 3600);
    }
}
