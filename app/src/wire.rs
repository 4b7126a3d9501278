//! Types that cross from the server to the pages and, inside islands, to the browser.

use serde::{Deserialize, Serialize};
use std::fmt;

mod requests;
pub use requests::{RequestView, SentAnswer};

/// Who an article is written for. `All` articles suit every visitor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Newcomer,
    Technical,
    Expert,
    All,
}

impl Level {
    /// The badge text shown beside an article title.
    pub fn label(self) -> &'static str {
        match self {
            Level::Newcomer => "For newcomers",
            Level::Technical => "Somewhat technical",
            Level::Expert => "For experts",
            Level::All => "For everyone",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Newcomer => "newcomer",
            Level::Technical => "technical",
            Level::Expert => "expert",
            Level::All => "all",
        }
    }
}

/// What shape of help an article gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArticleKind {
    Guide,
    Explanation,
    Reference,
    Troubleshooting,
}

impl ArticleKind {
    pub fn label(self) -> &'static str {
        match self {
            ArticleKind::Guide => "Step-by-step guide",
            ArticleKind::Explanation => "Explanation",
            ArticleKind::Reference => "Reference",
            ArticleKind::Troubleshooting => "Troubleshooting",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ArticleKind::Guide => "guide",
            ArticleKind::Explanation => "explanation",
            ArticleKind::Reference => "reference",
            ArticleKind::Troubleshooting => "troubleshooting",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for ArticleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Site-wide settings editors keep in `content/site.toml`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiteView {
    pub product_name: String,
    pub tagline: String,
    pub support_hours: String,
    pub support_time_zone: String,
    pub level_question: String,
    /// Newcomer, technical, expert, in that order.
    pub levels: Vec<LevelWording>,
}

impl SiteView {
    /// What the portal calls itself: in the header, every page title and link previews.
    pub fn help_centre_name(&self) -> String {
        format!("{} Help Centre", self.product_name)
    }
}

/// How the site offers one level to visitors.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LevelWording {
    pub level: Level,
    pub choice: String,
    pub description: String,
}

/// An article as listed on the home and category pages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArticleSummary {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub level: Level,
    pub kind: ArticleKind,
}

/// A category with its articles, in the editors' order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CategoryView {
    pub slug: String,
    pub title: String,
    pub description: String,
    pub articles: Vec<ArticleSummary>,
}

/// Everything the article page shows. `body_html` is already sanitised.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArticleView {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub level: Level,
    pub kind: ArticleKind,
    pub category_slug: String,
    pub category_title: String,
    /// ISO date, e.g. `2026-10-14`.
    pub updated: String,
    /// The same as people read it, e.g. `14 October 2026`.
    pub updated_text: String,
    pub body: Vec<BodyPart>,
    /// Empty for short articles, which need none.
    pub toc: Vec<TocEntry>,
    pub next_questions: Vec<ArticleSummary>,
}

/// One content problem as the editors' page lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiagnosticView {
    /// `content/articles/billing/refunds.md:3:5`
    pub location: String,
    pub is_error: bool,
    pub code: String,
    pub message: String,
    pub help: Option<String>,
    /// For syntax errors, the offending line with a caret under the column
    /// (several lines of preformatted text).
    pub excerpt: Option<String>,
}

/// The state of the content as editors see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContentReport {
    pub articles: usize,
    pub categories: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Errors first, then warnings.
    pub diagnostics: Vec<DiagnosticView>,
    /// Every file with errors, by path, and what customers see of it meanwhile.
    pub files_with_errors: Vec<FileWithErrors>,
}

/// `1 error`, `2 errors`: a count with its noun in the right number.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A content file with errors, as the editors' page explains it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileWithErrors {
    /// `content/articles/billing/refunds.md`
    pub path: String,
    /// Customers still see the version that last loaded cleanly; otherwise (a new
    /// file, or one broken since the server started) it is not published at all.
    pub last_good_live: bool,
}

/// One of the three levels a visitor can choose (`Level::All` is only for articles).
pub const VISITOR_LEVELS: [Level; 3] = [Level::Newcomer, Level::Technical, Level::Expert];
/// Every level, in the order menus and filters list them.
pub const LEVELS: [Level; 4] = [Level::Newcomer, Level::Technical, Level::Expert, Level::All];

/// One of a welcome kit's five things to know.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KitThingView {
    pub title: String,
    /// Sanitised HTML.
    pub body_html: String,
    pub image: MediaRef,
    pub video: Option<VideoRef>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MediaRef {
    /// Portal URL, e.g. `/media/kits/dashboard.png`.
    pub src: String,
    pub alt: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VideoRef {
    pub src: String,
    pub poster: Option<String>,
    pub captions: Option<String>,
}

/// A level's welcome kit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KitView {
    pub level: Level,
    pub title: String,
    pub intro: String,
    pub things: Vec<KitThingView>,
    pub next_step_label: String,
    pub next_step_href: String,
}

/// The input a task's form field takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    Text,
    Email,
    Textarea,
    Select,
    Date,
    Number,
    Checkbox,
}

/// A task form field and its validation rules, the same on server and browser.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldSpec {
    pub name: String,
    pub label: String,
    pub kind: FieldKind,
    pub help: Option<String>,
    pub required: bool,
    pub min_length: Option<u32>,
    pub max_length: Option<u32>,
    pub pattern: Option<String>,
    pub pattern_hint: Option<String>,
    pub options: Vec<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

/// One of a task's top five mistakes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MistakeView {
    pub title: String,
    pub what_people_do: String,
    pub why_it_fails: String,
    pub how_to_avoid: String,
    /// The field it concerns, if any.
    pub field: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskView {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub category_slug: String,
    pub intro_html: String,
    pub what_happens_next: String,
    pub fields: Vec<FieldSpec>,
    pub mistakes: Vec<MistakeView>,
    pub related_articles: Vec<ArticleSummary>,
}

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
pub struct NoticeView {
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

/// A piece of an article body: shared by all, or written per level.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum BodyPart {
    /// Sanitised HTML for everyone.
    Shared(String),
    /// The same point at different depths; the visitor's level is shown first.
    ByLevel(Vec<LevelSection>),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LevelSection {
    pub level: Level,
    /// Sanitised HTML.
    pub html: String,
}

/// A heading listed in an article's table of contents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TocEntry {
    pub id: String,
    pub text: String,
}

/// A task as listed on the home page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskSummary {
    pub id: String,
    pub title: String,
    pub summary: String,
}

/// Where a notice is in its life, at a given moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoticeState {
    Scheduled,
    Current,
    Expired,
}

impl NoticeView {
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

impl Level {
    /// The level named in a URL or form, if it is one a visitor can choose.
    pub fn from_visitor_choice(value: &str) -> Option<Level> {
        VISITOR_LEVELS.into_iter().find(|level| level.as_str() == value)
    }

    /// Any level by its name, `all` included.
    pub fn parse(value: &str) -> Option<Level> {
        LEVELS.into_iter().find(|level| level.as_str() == value)
    }
}

impl ArticleKind {
    pub fn parse(value: &str) -> Option<ArticleKind> {
        [ArticleKind::Guide, ArticleKind::Explanation, ArticleKind::Reference, ArticleKind::Troubleshooting]
            .into_iter()
            .find(|kind| kind.as_str() == value)
    }
}

/// One search result, with its title and snippet already highlighted and escaped.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub slug: String,
    /// Escaped HTML with `<mark>` around matched words.
    pub title_html: String,
    /// Escaped HTML with `<mark>` around matched words.
    pub snippet_html: String,
    pub category: String,
    pub level: Level,
    pub kind: ArticleKind,
}

/// A search as it arrives in the address: `/search?q=…&category=…&level=…&kind=…&page=…`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchQuery {
    pub q: String,
    pub category: Option<String>,
    pub level: Option<String>,
    pub kind: Option<String>,
    /// 1-based; anything else than a number from 1 on means the first page.
    pub page: Option<String>,
}

impl SearchQuery {
    /// A search for `q` alone, first page, no filters.
    pub fn for_text(q: &str) -> SearchQuery {
        SearchQuery { q: q.to_owned(), ..SearchQuery::default() }
    }

    /// The address of this search: `/search?q=…`, then the filters and the page
    /// that are set (page 1 is left out), percent-encoded.
    pub fn href(&self) -> String {
        let mut href = format!("/search?q={}", encode_query_value(&self.q));
        for (name, value) in [
            ("category", &self.category),
            ("level", &self.level),
            ("kind", &self.kind),
            ("page", &self.page.clone().filter(|page| page != "1")),
        ] {
            if let Some(value) = value {
                href.push_str(&format!("&{name}={}", encode_query_value(value)));
            }
        }
        href
    }
}

/// Percent-encodes a query-string value (spaces as `+`).
pub fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(byte).to_string()
            }
            b' ' => "+".to_owned(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// What the search box offers as the visitor types. The box always adds "see all
/// results", so the list never goes silent.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Suggestions {
    /// The query these answer, as sent.
    pub query: String,
    /// The best few articles, even when they match only some of the words.
    pub hits: Vec<SearchHit>,
    /// True when no article has every word, so the hits match some.
    pub partial: bool,
    /// A spelling the articles use that finds every word, when not every word matched.
    pub did_you_mean: Option<String>,
}

/// Everything the results page shows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchPage {
    /// The query as searched, after cutting.
    pub query: String,
    /// True when the query was longer than the limit and was cut.
    pub was_cut: bool,
    pub max_query_chars: usize,
    /// This page's results.
    pub hits: Vec<SearchHit>,
    /// Every article the search found within the filters, on all pages.
    pub total: usize,
    /// This page, 1-based, how many there are, and how many results a page holds.
    pub page: usize,
    pub pages: usize,
    pub per_page: usize,
    /// True when no article matched every word, so these match some.
    pub relaxed: bool,
    /// Filters from the address that name nothing, e.g. `level=wizard`; ignored.
    pub ignored_filters: Vec<String>,
    pub category: Option<String>,
    pub level: Option<Level>,
    pub kind: Option<ArticleKind>,
    pub counts: FacetCounts,
    /// Every category, as (slug, title), for the filter links.
    pub categories: Vec<(String, String)>,
    /// A spelling the articles use, offered when the query matched nothing (or not every word).
    pub did_you_mean: Option<String>,
    /// Shown when nothing matched, so a search is never a dead end.
    pub popular: Vec<ArticleSummary>,
}

/// Articles per filter value (category slug, level name, kind name) for a search.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FacetCounts {
    pub categories: std::collections::BTreeMap<String, usize>,
    pub levels: std::collections::BTreeMap<String, usize>,
    pub kinds: std::collections::BTreeMap<String, usize>,
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
    notices: &'a [NoticeView],
    place: &NoticePlace,
    now_unix_seconds: i64,
    is_dismissed: impl Fn(&str) -> bool,
) -> Vec<&'a NoticeView> {
    let mut shown: Vec<&NoticeView> = notices
        .iter()
        .filter(|notice| notice.state_at(now_unix_seconds) == NoticeState::Current)
        .filter(|notice| notice.audience.includes(place) && !is_dismissed(&notice.id))
        .collect();
    order_banners(&mut shown);
    shown
}

/// The most severe first, then the one that started first.
fn most_urgent_first(a: &NoticeView, b: &NoticeView) -> std::cmp::Ordering {
    b.severity.cmp(&a.severity).then(a.starts_at.cmp(&b.starts_at))
}

/// The order of a page's banners: most urgent first.
pub fn order_banners(banners: &mut [&NoticeView]) {
    banners.sort_by(|a, b| most_urgent_first(a, b));
}

/// The order of each list ("now", "coming up") on the /notices page: most urgent first.
pub fn order_notices_page(notices: &mut [NoticeView]) {
    notices.sort_by(most_urgent_first);
}

/// Ended notices stay listed this long, so a customer can check what happened.
pub const PAST_NOTICE_DAYS: i64 = 90;

/// The "Past notices" on /notices: ended in the last `PAST_NOTICE_DAYS`, the most
/// recently ended first.
pub fn past_notices(notices: &[NoticeView], now_unix_seconds: i64) -> Vec<NoticeView> {
    let since = now_unix_seconds - PAST_NOTICE_DAYS * 86_400;
    let mut past: Vec<NoticeView> = notices
        .iter()
        .filter(|notice| notice.state_at(now_unix_seconds) == NoticeState::Expired && notice.ends_at >= since)
        .cloned()
        .collect();
    past.sort_by(|a, b| b.ends_at.cmp(&a.ends_at).then_with(|| a.id.cmp(&b.id)));
    past
}

/// The order of the editors' list: by file name, `content/notices/<id>.md`, as they
/// see the files.
pub fn order_notices_for_editors(notices: &mut [NoticeView]) {
    notices.sort_by(|a, b| a.id.bytes().chain(*b".md").cmp(b.id.bytes().chain(*b".md")));
}

#[cfg(test)]
mod notice_tests {
    use super::*;

    fn notice(id: &str, severity: Severity, starts_at: i64, ends_at: i64, audience: Audience) -> NoticeView {
        NoticeView {
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

    fn ids(notices: &[NoticeView]) -> Vec<&str> {
        notices.iter().map(|notice| notice.id.as_str()).collect()
    }

    fn mixed() -> Vec<NoticeView> {
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
        let mut banners: Vec<&NoticeView> = notices.iter().collect();
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
