use crate::wire::{
    ArticleSummary, ArticleView, CategoryView, ContentReport, DiagnosticView, KitView, NextQuestion,
    SiteView, TaskSummary, TaskView,
};
use telepath_domain::{Level, Notice, NoticePlace};

/// The help centre's content as one consistent version: the server hands each
/// request one reader over one snapshot, so a page rendered during a reload never
/// mixes two versions.
pub trait ContentReader: Send + Sync + 'static {
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
    fn notices(&self) -> Vec<Notice>;
    /// The category and task of the page at `path`, for matching notices' audiences.
    fn notice_place(&self, path: &str, level: Option<Level>) -> NoticePlace;
    /// The articles people are most often sent to next, in the editors' order.
    fn popular_articles(&self) -> Vec<ArticleSummary>;
    /// What people read or did after sending task `id`, blended with the task's
    /// related articles (the editors' picks).
    fn next_questions_after_sending(&self, id: &str) -> Vec<NextQuestion>;
}
