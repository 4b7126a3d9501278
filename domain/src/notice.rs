//! Notices: who sees them, where, when, and in which order.

use crate::level::Level;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

/// Where a notice is shown; empty lists match everything of that kind, and a notice
/// with an empty audience is shown everywhere.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Audience {
    pub levels: Vec<Level>,
    pub categories: Vec<String>,
    pub tasks: Vec<String>,
    pub paths: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    pub id: String,
    pub title: String,
    pub body_html: String,
    pub severity: Severity,
    /// When customers are warned (the display window): Unix seconds, UTC.
    pub starts_at: i64,
    pub ends_at: i64,
    /// When what the notice is about happens (the event window), if it says:
    /// Unix seconds, UTC. It may have no end ("from 1 February").
    pub happens_from: Option<i64>,
    pub happens_until: Option<i64>,
    /// The display window as people read it, in the site's time zone, e.g.
    /// "Mon 16 Nov, 00:00 – Sun 10 Jan, 23:59 (New York time)".
    pub shown_text: String,
    /// The event window likewise, e.g. "Sat 16 Jan, 02:00–06:00 (New York time)".
    pub happens_text: Option<String>,
    pub audience: Audience,
}

/// Where a notice is in its life, at a given moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoticeState {
    Scheduled,
    Current,
    Expired,
}

impl Notice {
    /// Shown from `starts_at` (inclusive) until `ends_at` (exclusive).
    pub fn state_at(&self, unix_seconds: i64) -> NoticeState {
        if unix_seconds < self.starts_at {
            NoticeState::Scheduled
        } else if unix_seconds < self.ends_at {
            NoticeState::Current
        } else {
            NoticeState::Expired
        }
    }
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "Information",
            Severity::Warning => "Warning",
            Severity::Critical => "Urgent",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

/// Where a page sits, as a notice's audience sees it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NoticePlace {
    pub path: String,
    pub category: Option<String>,
    pub task: Option<String>,
    /// The visitor's level, if they chose one.
    pub level: Option<Level>,
}

impl Audience {
    /// Whether a notice for this audience belongs on `place`. Levels narrow who sees
    /// it (a visitor who has not chosen a level sees it, to be safe); categories,
    /// tasks and paths say where, and any one of them matching is enough. A path
    /// covers the pages below it, so `/` means everywhere. No places means everywhere.
    pub fn includes(&self, place: &NoticePlace) -> bool {
        let for_this_visitor = match place.level {
            Some(level) => self.levels.is_empty() || self.levels.contains(&level),
            None => true,
        };
        let everywhere = self.categories.is_empty() && self.tasks.is_empty() && self.paths.is_empty();
        let here = place.category.as_ref().is_some_and(|category| self.categories.contains(category))
            || place.task.as_ref().is_some_and(|task| self.tasks.contains(task))
            || self.paths.iter().any(|path| path_covers(path, &place.path));
        for_this_visitor && (everywhere || here)
    }
}

fn path_covers(prefix: &str, path: &str) -> bool {
    let prefix = prefix.trim_end_matches('/');
    path == prefix || path.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('/'))
}

/// The banners a page shows: current notices for this place that the visitor has not
/// dismissed, the most severe first, then the one that started first.
pub fn notices_for_place<'a>(
    notices: &'a [Notice],
    place: &NoticePlace,
    now_unix_seconds: i64,
    is_dismissed: impl Fn(&str) -> bool,
) -> Vec<&'a Notice> {
    let mut shown: Vec<&Notice> = notices
        .iter()
        .filter(|notice| notice.state_at(now_unix_seconds) == NoticeState::Current)
        .filter(|notice| notice.audience.includes(place) && !is_dismissed(&notice.id))
        .collect();
    order_banners(&mut shown);
    shown
}

/// The most severe first, then the one that started first.
fn most_urgent_first(a: &Notice, b: &Notice) -> std::cmp::Ordering {
    b.severity.cmp(&a.severity).then(a.starts_at.cmp(&b.starts_at))
}

/// The order of a page's banners: most urgent first.
pub fn order_banners(banners: &mut [&Notice]) {
    banners.sort_by(|a, b| most_urgent_first(a, b));
}

/// The order of each list ("now", "coming up") on the /notices page: most urgent first.
pub fn order_notices_page(notices: &mut [Notice]) {
    notices.sort_by(most_urgent_first);
}

/// Ended notices stay listed this long, so a customer can check what happened.
pub const PAST_NOTICE_DAYS: i64 = 90;

/// The "Past notices" on /notices: ended in the last `PAST_NOTICE_DAYS`, the most
/// recently ended first.
pub fn past_notices(notices: &[Notice], now_unix_seconds: i64) -> Vec<Notice> {
    let since = now_unix_seconds - PAST_NOTICE_DAYS * 86_400;
    let mut past: Vec<Notice> = notices
        .iter()
        .filter(|notice| notice.state_at(now_unix_seconds) == NoticeState::Expired && notice.ends_at >= since)
        .cloned()
        .collect();
    past.sort_by(|a, b| b.ends_at.cmp(&a.ends_at).then_with(|| a.id.cmp(&b.id)));
    past
}

/// The order of the editors' list: by file name, `content/notices/<id>.md`, as they
/// see the files.
pub fn order_notices_for_editors(notices: &mut [Notice]) {
    notices.sort_by(|a, b| a.id.bytes().chain(*b".md").cmp(b.id.bytes().chain(*b".md")));
}

#[cfg(test)]
mod notice_tests {
    use super::*;

    fn notice(id: &str, severity: Severity, starts_at: i64, ends_at: i64, audience: Audience) -> Notice {
        Notice {
            id: id.into(),
            title: id.into(),
            body_html: String::new(),
            severity,
            starts_at,
            ends_at,
            happens_from: None,
            happens_until: None,
            shown_text: String::new(),
            happens_text: None,
            audience,
        }
    }

    fn place(path: &str, category: Option<&str>, task: Option<&str>, level: Option<Level>) -> NoticePlace {
        NoticePlace {
            path: path.into(),
            category: category.map(Into::into),
            task: task.map(Into::into),
            level,
        }
    }

    #[test]
    fn audiences_match_by_place_and_narrow_by_level() {
        let audience = Audience {
            levels: vec![Level::Expert],
            categories: vec!["integrations".into()],
            tasks: vec!["rotate-key".into()],
            paths: vec!["/articles/webhooks".into()],
        };
        let everywhere = Audience::default();
        let for_newcomers_everywhere = Audience { levels: vec![Level::Newcomer], ..Audience::default() };
        let cases = [
            (
                &audience,
                place("/categories/integrations", Some("integrations"), None, Some(Level::Expert)),
                true,
            ),
            (&audience, place("/tasks/rotate-key", Some("account"), Some("rotate-key"), None), true),
            (&audience, place("/articles/webhooks", Some("other"), None, Some(Level::Expert)), true),
            (&audience, place("/articles/webhooks/", Some("other"), None, None), true),
            (&audience, place("/articles/webhooks-old", Some("other"), None, None), false),
            (
                &audience,
                place("/categories/integrations", Some("integrations"), None, Some(Level::Newcomer)),
                false,
            ),
            (&audience, place("/", None, None, Some(Level::Expert)), false),
            (&everywhere, place("/", None, None, None), true),
            (&everywhere, place("/search", None, None, Some(Level::Technical)), true),
            (&for_newcomers_everywhere, place("/kits/newcomer", None, None, Some(Level::Newcomer)), true),
            (&for_newcomers_everywhere, place("/kits/expert", None, None, Some(Level::Expert)), false),
        ];
        for (audience, place, expected) in cases {
            assert_eq!(audience.includes(&place), expected, "{place:?}");
        }
        let below = Audience { paths: vec!["/articles/".into()], ..Audience::default() };
        assert!(below.includes(&place("/articles/anything", None, None, None)));
        assert!(!below.includes(&place("/categories/x", None, None, None)));
    }

    #[test]
    fn banners_are_current_undismissed_and_most_severe_first() {
        let notices = [
            notice("info-early", Severity::Info, 100, 500, Audience::default()),
            notice("critical", Severity::Critical, 300, 500, Audience::default()),
            notice("warning", Severity::Warning, 200, 500, Audience::default()),
            notice("info-late", Severity::Info, 150, 500, Audience::default()),
            notice("scheduled", Severity::Critical, 450, 900, Audience::default()),
            notice("expired", Severity::Critical, 0, 400, Audience::default()),
            notice(
                "elsewhere",
                Severity::Critical,
                0,
                900,
                Audience { tasks: vec!["x".into()], ..Audience::default() },
            ),
        ];
        let ids = |dismissed: &[&str]| -> Vec<String> {
            notices_for_place(&notices, &place("/", None, None, None), 400, |id| dismissed.contains(&id))
                .into_iter()
                .map(|notice| notice.id.clone())
                .collect()
        };
        assert_eq!(ids(&[]), ["critical", "warning", "info-early", "info-late"]);
        assert_eq!(ids(&["critical", "info-late"]), ["warning", "info-early"]);
    }

    fn ids(notices: &[Notice]) -> Vec<&str> {
        notices.iter().map(|notice| notice.id.as_str()).collect()
    }

    fn mixed() -> Vec<Notice> {
        vec![
            notice("b-info", Severity::Info, 100, 500, Audience::default()),
            notice("a-critical-late", Severity::Critical, 300, 500, Audience::default()),
            notice("c-warning", Severity::Warning, 200, 500, Audience::default()),
            notice("a-critical", Severity::Critical, 250, 500, Audience::default()),
            notice("a", Severity::Info, 50, 500, Audience::default()),
        ]
    }

    #[test]
    fn banners_go_most_severe_first_then_earliest_start() {
        let notices = mixed();
        let mut banners: Vec<&Notice> = notices.iter().collect();
        order_banners(&mut banners);
        let order: Vec<&str> = banners.iter().map(|notice| notice.id.as_str()).collect();
        assert_eq!(order, ["a-critical", "a-critical-late", "c-warning", "a", "b-info"]);
    }

    #[test]
    fn the_notices_page_lists_most_severe_first_then_earliest_start() {
        let mut notices = mixed();
        order_notices_page(&mut notices);
        assert_eq!(ids(&notices), ["a-critical", "a-critical-late", "c-warning", "a", "b-info"]);
    }

    #[test]
    fn editors_see_notices_in_file_name_order() {
        let mut notices = mixed();
        order_notices_for_editors(&mut notices);
        // `-` comes before `.`, as in a file listing: `a-critical-late.md`, `a-critical.md`, `a.md`.
        assert_eq!(ids(&notices), ["a-critical-late", "a-critical", "a", "b-info", "c-warning"]);
    }

    #[test]
    fn past_notices_are_those_ended_in_the_last_90_days_most_recent_first() {
        let day = 86_400;
        let now = 1000 * day;
        let notices = [
            notice("long-ago", Severity::Info, 0, now - 91 * day, Audience::default()),
            notice("just-inside", Severity::Info, 0, now - 90 * day, Audience::default()),
            notice("yesterday", Severity::Critical, 0, now - day, Audience::default()),
            notice("last-month", Severity::Warning, 0, now - 30 * day, Audience::default()),
            notice("current", Severity::Info, 0, now + 1, Audience::default()),
            notice("ends-now", Severity::Info, 0, now, Audience::default()),
        ];
        assert_eq!(ids(&past_notices(&notices, now)), ["ends-now", "yesterday", "last-month", "just-inside"]);
    }
}
