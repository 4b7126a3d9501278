//! The server's side of the app's `PortalBackend` trait: pages and server functions
//! read content and record events through this.

use crate::content::{ContentLibrary, Diagnostic, Severity};
use crate::store::{NewEvent, Store};
use std::sync::Arc;
use telepath_app::backend::{BackendError, PortalBackend, VisitorId};
use telepath_app::wire::{
    ArticleView, CategoryView, ContentReport, DiagnosticView, KitView, Level, NoticeView, SiteView,
    SubmissionView, TaskSummary, TaskView, VisitorEvent,
};

#[derive(Clone, Debug)]
pub struct Portal {
    pub content: Arc<ContentLibrary>,
    pub store: Arc<dyn Store>,
    /// Pages show their content problems to the editor previewing them.
    pub development: bool,
}

#[async_trait::async_trait]
impl PortalBackend for Portal {
    fn site(&self) -> SiteView {
        self.content.snapshot().site_view()
    }

    fn categories(&self) -> Vec<CategoryView> {
        let snapshot = self.content.snapshot();
        snapshot.categories.iter().map(|category| snapshot.category_view(category)).collect()
    }

    fn category(&self, slug: &str) -> Option<CategoryView> {
        let snapshot = self.content.snapshot();
        let category = snapshot.categories.iter().find(|category| category.slug == slug)?;
        Some(snapshot.category_view(category))
    }

    fn article(&self, slug: &str) -> Option<ArticleView> {
        self.content.snapshot().article_view(slug)
    }

    fn article_diagnostics(&self, slug: &str) -> Vec<DiagnosticView> {
        if !self.development {
            return Vec::new();
        }
        let snapshot = self.content.snapshot();
        let Some(article) = snapshot.articles.get(slug) else { return Vec::new() };
        snapshot
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.path == article.source)
            .map(diagnostic_view)
            .collect()
    }

    fn content_report(&self) -> ContentReport {
        let snapshot = self.content.snapshot();
        ContentReport {
            articles: snapshot.articles.len(),
            categories: snapshot.categories.len(),
            errors: snapshot.errors(),
            warnings: snapshot.warnings(),
            diagnostics: snapshot
                .diagnostics
                .iter()
                .map(|diagnostic| DiagnosticView {
                    location: format!(
                        "{}:{}:{}",
                        diagnostic.path.display(),
                        diagnostic.line,
                        diagnostic.column
                    ),
                    is_error: diagnostic.severity == Severity::Error,
                    code: diagnostic.code.to_owned(),
                    message: diagnostic.message.clone(),
                    help: diagnostic.help.clone(),
                })
                .collect(),
            last_good: snapshot.last_good.clone(),
        }
    }

    fn kit(&self, level: Level) -> Option<KitView> {
        self.content.snapshot().kits.get(&level).map(|kit| kit.view.clone())
    }

    fn tasks(&self) -> Vec<TaskSummary> {
        let snapshot = self.content.snapshot();
        let mut tasks: Vec<TaskSummary> = snapshot
            .tasks
            .values()
            .map(|task| TaskSummary {
                id: task.id.clone(),
                title: task.title.clone(),
                summary: task.summary.clone(),
            })
            .collect();
        tasks.sort_by(|a, b| a.title.cmp(&b.title));
        tasks
    }

    fn task(&self, id: &str) -> Option<TaskView> {
        self.content.snapshot().task_view(id)
    }

    fn notices(&self) -> Vec<NoticeView> {
        self.content.snapshot().notices.iter().map(|notice| notice.view.clone()).collect()
    }

    fn new_form_token(&self) -> String {
        let mut bytes = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
        hex::encode(bytes)
    }

    async fn submission(&self, reference: &str) -> Result<Option<SubmissionView>, BackendError> {
        let stored =
            self.store.submission(reference).await.map_err(|error| BackendError::Store(error.to_string()))?;
        Ok(stored
            .map(|submission| SubmissionView { reference: submission.reference, task_id: submission.task }))
    }

    async fn record_event(&self, visitor: &VisitorId, event: VisitorEvent) -> Result<(), BackendError> {
        let mut payload =
            serde_json::to_value(&event).map_err(|error| BackendError::Store(error.to_string()))?;
        let kind = payload
            .as_object_mut()
            .and_then(|fields| fields.remove("kind"))
            .and_then(|kind| kind.as_str().map(str::to_owned))
            .unwrap_or_else(|| "unknown".into());
        self.store
            .append_event(NewEvent { visitor: visitor.0.clone(), kind, payload })
            .await
            .map(drop)
            .map_err(|error| BackendError::Store(error.to_string()))
    }
}

fn diagnostic_view(diagnostic: &Diagnostic) -> DiagnosticView {
    DiagnosticView {
        location: format!("{}:{}:{}", diagnostic.path.display(), diagnostic.line, diagnostic.column),
        is_error: diagnostic.severity == Severity::Error,
        code: diagnostic.code.to_owned(),
        message: diagnostic.message.clone(),
        help: diagnostic.help.clone(),
    }
}
