//! What the pages and server functions need from the server: one narrow trait per
//! capability, each provided as its own Leptos context by the server (app/ never
//! depends on server/), plus what the server put in the request's extensions.

mod chat;
mod content;
mod effort;
mod events;
mod insights;
mod search;
mod tasks;

pub use chat::CustomerChat;
pub use content::ContentReader;
pub use effort::{EFFORT_SCORE_FIELD, EffortRated, EffortRatings};
pub use events::VisitorEvents;
pub use insights::InsightsReader;
pub use search::SearchService;
pub use tasks::TaskForms;

use crate::visitor::VisitorPrefs;
use std::sync::Arc;
use telepath_domain::{EventKind, Level, ListedPage, PageType};

/// The anonymous visitor id the server put in the request's extensions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VisitorId(pub String);

/// The capabilities the server provides to every render and server-function call.
/// Content is a reader over one snapshot, taken when the request starts.
#[derive(Clone)]
pub struct Backends {
    pub content: Arc<dyn ContentReader>,
    pub search: Arc<dyn SearchService>,
    pub events: Arc<dyn VisitorEvents>,
    pub tasks: Arc<dyn TaskForms>,
    pub insights: Arc<dyn InsightsReader>,
    pub chat: Arc<dyn CustomerChat>,
    pub effort: Arc<dyn EffortRatings>,
}

impl Backends {
    /// Makes each capability its own context, so a page or server function asks
    /// only for what it uses.
    pub fn provide(&self) {
        leptos::prelude::provide_context(self.content.clone());
        leptos::prelude::provide_context(self.search.clone());
        leptos::prelude::provide_context(self.events.clone());
        leptos::prelude::provide_context(self.tasks.clone());
        leptos::prelude::provide_context(self.insights.clone());
        leptos::prelude::provide_context(self.chat.clone());
        leptos::prelude::provide_context(self.effort.clone());
    }
}

fn expect_context<T: Clone + Send + Sync + 'static>(what: &str) -> T {
    leptos::prelude::use_context::<T>()
        .unwrap_or_else(|| panic!("the server provides {what} in every render and server-function call"))
}

/// The content of the request being rendered: one snapshot for the whole page.
pub fn use_content() -> Arc<dyn ContentReader> {
    expect_context("a ContentReader")
}

pub fn use_search() -> Arc<dyn SearchService> {
    expect_context("a SearchService")
}

pub fn use_events() -> Arc<dyn VisitorEvents> {
    expect_context("VisitorEvents")
}

pub fn use_task_forms() -> Arc<dyn TaskForms> {
    expect_context("TaskForms")
}

pub fn use_insights() -> Arc<dyn InsightsReader> {
    expect_context("an InsightsReader")
}

pub fn use_customer_chat() -> Arc<dyn CustomerChat> {
    expect_context("CustomerChat")
}

pub fn use_effort() -> Arc<dyn EffortRatings> {
    expect_context("EffortRatings")
}

pub(crate) fn request_extension<T: Clone + Send + Sync + 'static>() -> Option<T> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<T>().cloned())
}

/// What the current request's visitor chose and did, as the server read it from their cookies.
pub fn use_visitor_prefs() -> VisitorPrefs {
    request_extension::<VisitorPrefs>().unwrap_or_default()
}

/// The current request's visitor level, if they chose one.
pub fn use_visitor_level() -> Option<Level> {
    use_visitor_prefs().level.level()
}

/// The token every form on the page carries, bound to the visitor's id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsrfToken(pub String);

pub fn use_csrf_token() -> String {
    request_extension::<CsrfToken>().map(|token| token.0).unwrap_or_default()
}

/// The portal's origin as the visitor's browser sees it (`https://help.example.com`),
/// which the server puts in every request's extensions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteOrigin(pub String);

pub fn use_site_origin() -> Option<String> {
    request_extension::<SiteOrigin>().map(|origin| origin.0)
}

/// The current path and query, to come back to after a form.
pub fn use_current_path() -> String {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.uri.path_and_query().map(|path| path.as_str().to_owned()))
        .unwrap_or_else(|| "/".to_owned())
}

/// True when a server function was called by a plain HTML form (no JavaScript):
/// the browser then expects a page, so the function redirects instead of answering data.
fn is_plain_form_post() -> bool {
    leptos::prelude::use_context::<http::request::Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
    })
}

/// Sends a plain form post (no JavaScript) on to `path`; a call from an island gets
/// its answer instead. The location is checked before it is built: anything but a
/// path on this site goes to the home page, so a forged `return_to` can neither leave
/// the site nor break the response (`leptos_axum::redirect` panics on a control
/// character, which dropped the connection).
pub fn redirect_after_form(path: &str) {
    if !is_plain_form_post() {
        return;
    }
    let location = crate::visitor::local_return_path(path)
        .and_then(|path| http::HeaderValue::from_str(path).ok())
        .unwrap_or_else(|| http::HeaderValue::from_static("/"));
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(http::header::LOCATION, location);
        response.set_status(http::StatusCode::FOUND);
    }
}

/// Adds a `Set-Cookie` header to the response of the current server-function call.
pub fn set_cookie(value: &str) {
    if let (Some(response), Ok(value)) =
        (leptos::prelude::use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(value))
    {
        response.append_header(http::header::SET_COOKIE, value);
    }
}

/// The current request's visitor, set by the server's visitor middleware.
pub fn use_visitor() -> Option<VisitorId> {
    request_extension::<VisitorId>()
}

/// Records that the page being rendered was shown to the visitor, without making the
/// page wait. Only for a GET (a task form shown again after a post is not a view).
pub fn record_page_view(page: PageType, title: &str) {
    let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() else { return };
    let Some(visitor) = use_visitor() else { return };
    if parts.method != http::Method::GET {
        return;
    }
    let event = EventKind::PageViewed {
        page,
        path: parts.uri.path().to_owned(),
        title: title.to_owned(),
        referrer: same_site_referrer(&parts.headers),
    };
    use_events().record_soon(&visitor, event);
}

/// The path of the page that linked here, only when that page is on this site (the
/// `Referer`'s host and port are the request's `Host`): another site's address,
/// or anything that is not a plain path on this one, is never stored.
pub fn same_site_referrer(headers: &http::HeaderMap) -> Option<String> {
    let host = headers.get(http::header::HOST)?.to_str().ok()?;
    let referer: http::Uri = headers.get(http::header::REFERER)?.to_str().ok()?.parse().ok()?;
    let is_web = matches!(referer.scheme_str(), Some("http" | "https"));
    if !is_web || !referer.authority()?.as_str().eq_ignore_ascii_case(host) {
        return None;
    }
    crate::visitor::local_return_path(referer.path()).map(str::to_owned)
}

/// The search query and rank a result link carries (`?q=…&rank=…`), read when the
/// article it leads to is shown. Clicks are recorded this way because it needs no
/// script: the link itself is the destination (so it cannot lead off the site, as a
/// redirect endpoint's `to=` could), and there is no extra round trip before the page.
pub fn record_arrival_at_article(slug: &str) {
    use leptos::prelude::ReadUntracked;
    use leptos_router::hooks::use_query_map;
    let Some(visitor) = use_visitor() else { return };
    let query = use_query_map().read_untracked();
    let events = use_events();
    let rank =
        query.get("rank").and_then(|rank| rank.parse::<u32>().ok()).filter(|rank| (1..=100).contains(rank));
    if let (Some(searched), Some(rank)) = (query.get("q"), rank) {
        let searched: String = searched.chars().take(MAX_RECORDED_QUERY_CHARS).collect();
        if !searched.trim().is_empty() {
            let event = EventKind::SearchResultClicked { query: searched, rank, slug: slug.to_owned() };
            events.record_soon(&visitor, event);
        }
    }
    record_next_question_followed(slug, ListedPage::Article);
}

/// Records a "people usually ask next" link followed to the article or task form
/// `to`, when the page was reached by one: the link names the article or the sent
/// task it was on (see `urls::next_question`). A name that is not in the content
/// (a forged or stale link) records nothing.
pub fn record_next_question_followed(to: &str, to_page: ListedPage) {
    use leptos::prelude::ReadUntracked;
    use leptos_router::hooks::use_query_map;
    let Some(visitor) = use_visitor() else { return };
    let query = use_query_map().read_untracked();
    let content = use_content();
    let followed = query
        .get(crate::urls::NEXT_FROM_ARTICLE)
        .filter(|from| content.article(from).is_some())
        .map(|from| (from, ListedPage::Article))
        .or_else(|| {
            let from = query.get(crate::urls::NEXT_FROM_TASK)?;
            content.task(&from).is_some().then_some((from, ListedPage::Task))
        })
        .filter(|(from, from_page)| (from.as_str(), *from_page) != (to, to_page));
    if let Some((from, from_page)) = followed {
        let event = EventKind::NextQuestionClicked { from, to: to.to_owned(), from_page, to_page };
        use_events().record_soon(&visitor, event);
    }
}

/// Records which next questions were shown after `from` (an article, or a task on
/// its confirmation), for click-through.
pub fn record_next_questions_shown(
    from: &str,
    from_page: ListedPage,
    questions: &[crate::wire::NextQuestion],
) {
    let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() else { return };
    let Some(visitor) = use_visitor() else { return };
    if parts.method != http::Method::GET || questions.is_empty() {
        return;
    }
    let shown = questions.iter().map(crate::wire::NextQuestion::path).collect();
    use_events()
        .record_soon(&visitor, EventKind::NextQuestionsShown { from: from.to_owned(), shown, from_page });
}

/// Longer queries were cut by the search page already; a forged link is cut here.
const MAX_RECORDED_QUERY_CHARS: usize = 200;
