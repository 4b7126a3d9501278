//! What the pages and server functions need from the server, as a trait the server
//! implements and provides as context (app/ never depends on server/).

use crate::wire::{
    ArticleView, CategoryView, ContentReport, DiagnosticView, KitView, Level, NoticeView, SearchPage,
    SearchQuery, SiteView, SubmissionView, TaskSummary, TaskView, VisitorEvent,
};
use std::sync::Arc;

/// The anonymous visitor id the server put in the request's extensions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VisitorId(pub String);

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
    /// Runs a search for `visitor`; a search that finds nothing is recorded.
    fn search(&self, visitor: Option<VisitorId>, level: Option<Level>, query: SearchQuery) -> SearchPage;
    /// A fresh token for one rendered task form, so sending it twice stores it once.
    fn new_form_token(&self) -> String;
    async fn submission(&self, reference: &str) -> Result<Option<SubmissionView>, BackendError>;
    async fn record_event(&self, visitor: &VisitorId, event: VisitorEvent) -> Result<(), BackendError>;
}

/// The handle the server provides through Leptos context.
pub type Backend = Arc<dyn PortalBackend>;

/// The backend of the request being rendered; the server always provides one.
pub fn use_backend() -> Backend {
    leptos::prelude::use_context::<Backend>()
        .expect("the server provides a Backend in every render and server-function call")
}

/// The level the visitor chose, as the server read it from their cookie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VisitorLevel(pub Level);

/// The current request's visitor level, if they chose one.
pub fn use_visitor_level() -> Option<Level> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<VisitorLevel>().map(|level| level.0))
}

/// The current request's visitor, set by the server's visitor middleware.
pub fn use_visitor() -> Option<VisitorId> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<VisitorId>().cloned())
}
