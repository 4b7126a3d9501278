//! What the pages and server functions need from the server, as a trait the server
//! implements and provides as context (app/ never depends on server/).

use crate::events::EventKind;
use crate::visitor::VisitorPrefs;
use crate::wire::{
    ArticleSummary, ArticleView, CategoryView, ContentReport, DiagnosticView, KitView, Level, NoticePlace,
    NoticeView, RequestView, SearchPage, SearchQuery, SiteView, Suggestions, TaskSummary, TaskView,
};
use std::sync::Arc;

/// The anonymous visitor id the server put in the request's extensions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VisitorId(pub String);

/// The search index could not answer (the server has logged why).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("search is unavailable")]
pub struct SearchUnavailable;

#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    #[error("the store is unavailable: {0}")]
    Store(String),
}

#[async_trait::async_trait]
pub trait PortalBackend: Send + Sync + 'static {
    fn site(&self) -> SiteView;
    fn categories(&self) -> Vec<CategoryView>;
    fn category(&self, slug: &str) -> Option<CategoryView>;
    fn article(&self, slug: &str) -> Option<ArticleView>;
    fn content_report(&self) -> ContentReport;
    /// In development mode, the problems in the article's file; otherwise none.
    fn article_diagnostics(&self, slug: &str) -> Vec<DiagnosticView>;
    fn kit(&self, level: Level) -> Option<KitView>;
    fn tasks(&self) -> Vec<TaskSummary>;
    fn task(&self, id: &str) -> Option<TaskView>;
    /// Every notice, current or not, in the editors' order.
    fn notices(&self) -> Vec<NoticeView>;
    /// The category and task of the page at `path`, for matching notices' audiences.
    fn notice_place(&self, path: &str, level: Option<Level>) -> NoticePlace;
    /// The articles people are most often sent to next, in the editors' order.
    fn popular_articles(&self) -> Vec<ArticleSummary>;
    /// Runs a search for `visitor`; a search that finds nothing is recorded.
    /// `Err` when the index cannot answer: the page then says so (503), and nothing
    /// is recorded, since a search that could not run found no gap in the content.
    fn search(
        &self,
        visitor: Option<VisitorId>,
        level: Option<Level>,
        query: SearchQuery,
    ) -> Result<SearchPage, SearchUnavailable>;
    /// The best few articles for a query typed so far; never recorded.
    fn suggest(&self, level: Option<Level>, query: &str) -> Suggestions;
    /// A fresh token for one rendered task form, so sending it twice stores it once.
    fn new_form_token(&self) -> String;
    /// Records an event and waits until it is stored, for answers the visitor is told about.
    async fn record_event(&self, visitor: &VisitorId, event: EventKind) -> Result<(), BackendError>;
    /// Queues an event without waiting (page views, clicks); under load it may be dropped.
    fn record_soon(&self, visitor: &VisitorId, event: EventKind);
    /// The request `visitor` sent under `reference`; `None` when there is none, or
    /// when someone else sent it (what was sent is theirs alone to see).
    async fn visitor_request(
        &self,
        visitor: &VisitorId,
        reference: &str,
    ) -> Result<Option<RequestView>, BackendError>;
}

/// The handle the server provides through Leptos context.
pub type Backend = Arc<dyn PortalBackend>;

/// The backend of the request being rendered; the server always provides one.
pub fn use_backend() -> Backend {
    leptos::prelude::use_context::<Backend>()
        .expect("the server provides a Backend in every render and server-function call")
}

fn request_extension<T: Clone + Send + Sync + 'static>() -> Option<T> {
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
pub fn record_page_view(page: crate::events::PageType, title: &str) {
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
    use_backend().record_soon(&visitor, event);
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
    let backend = use_backend();
    let rank =
        query.get("rank").and_then(|rank| rank.parse::<u32>().ok()).filter(|rank| (1..=100).contains(rank));
    if let (Some(searched), Some(rank)) = (query.get("q"), rank) {
        let searched: String = searched.chars().take(MAX_RECORDED_QUERY_CHARS).collect();
        if !searched.trim().is_empty() {
            let event = EventKind::SearchResultClicked { query: searched, rank, slug: slug.to_owned() };
            backend.record_soon(&visitor, event);
        }
    }
    if let Some(from) = query.get("from").filter(|from| from != slug && backend.article(from).is_some()) {
        backend.record_soon(&visitor, EventKind::NextQuestionClicked { from, to: slug.to_owned() });
    }
}

/// Longer queries were cut by the search page already; a forged link is cut here.
const MAX_RECORDED_QUERY_CHARS: usize = 200;
