//! The server's side of the app's `PortalBackend` trait: pages and server functions
//! read content and record events through this.

use crate::content::{ContentLibrary, Diagnostic, Severity};
use crate::search::{MAX_QUERY_CHARS, SearchRequest, query_words};
use crate::store::{EventLog, NewEvent, StoredSubmission, Submissions, SubmissionsError};
use std::sync::Arc;
use telepath_app::backend::{BackendError, PortalBackend, SearchUnavailable, VisitorId};
use telepath_app::events::EventKind;
use telepath_app::guidance::order_articles;
use telepath_app::wire::{
    ArticleKind, ArticleSummary, ArticleView, CategoryView, ContentReport, DiagnosticView, FieldKind,
    FileWithErrors, KitView, Level, NoticePlace, NoticeView, RequestView, SearchPage, SearchQuery,
    SentAnswer, SiteView, Suggestions, TaskSummary, TaskView,
};

#[derive(Clone, Debug)]
pub struct Portal {
    pub content: Arc<ContentLibrary>,
    pub events: Arc<dyn EventLog>,
    /// Events recorded without making the page wait (page views, clicks, searches).
    pub recorder: crate::journeys::EventRecorder,
    pub submissions: Arc<dyn Submissions>,
    pub search: Arc<crate::search::SearchIndex>,
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
            diagnostics: snapshot.diagnostics.iter().map(diagnostic_view).collect(),
            files_with_errors: snapshot
                .files_with_errors()
                .into_iter()
                .map(|path| FileWithErrors {
                    last_good_live: snapshot.last_good.contains(&path),
                    path: path.display().to_string(),
                })
                .collect(),
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
        let snapshot = self.content.snapshot();
        let zone = snapshot.site.zone();
        snapshot.notices.iter().map(|notice| notice.view_in(&zone)).collect()
    }

    fn notice_place(&self, path: &str, level: Option<Level>) -> NoticePlace {
        let snapshot = self.content.snapshot();
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let task_category = |task: &str| snapshot.tasks.get(task).map(|task| task.category.clone());
        let (category, task) = match segments.as_slice() {
            ["categories", category] => (Some((*category).to_owned()), None),
            ["articles", slug] => {
                (snapshot.articles.get(*slug).map(|article| article.category.clone()), None)
            }
            ["tasks" | "mistakes", task, ..] => (task_category(task), Some((*task).to_owned())),
            _ => (None, None),
        };
        NoticePlace { path: path.to_owned(), category, task, level }
    }

    fn popular_articles(&self) -> Vec<ArticleSummary> {
        popular_articles(&self.content.snapshot())
    }

    fn search(
        &self,
        visitor: Option<VisitorId>,
        visitor_level: Option<Level>,
        query: SearchQuery,
    ) -> Result<SearchPage, SearchUnavailable> {
        let snapshot = self.content.snapshot();
        let mut ignored_filters = Vec::new();
        let mut known = |name: &str, value: Option<String>, is_known: &dyn Fn(&str) -> bool| {
            let value = value.filter(|value| !value.is_empty())?;
            if is_known(&value) {
                Some(value)
            } else {
                ignored_filters.push(format!("{name}={value}"));
                None
            }
        };
        let category =
            known("category", query.category, &|value| snapshot.categories.iter().any(|c| c.slug == value));
        let level = known("level", query.level, &|value| Level::parse(value).is_some())
            .and_then(|v| Level::parse(&v));
        let kind = known("kind", query.kind, &|value| ArticleKind::parse(value).is_some())
            .and_then(|v| ArticleKind::parse(&v));

        let words = query_words(&query.q);
        let was_cut = query.q.chars().count() > MAX_QUERY_CHARS;
        let searched: String = query.q.chars().take(MAX_QUERY_CHARS).collect::<String>().trim().to_owned();
        // Past the last page (or a page that is not a number) shows the last (the
        // first): a stale or edited link still lands on results.
        let asked_page =
            query.page.as_deref().and_then(|page| page.parse::<usize>().ok()).unwrap_or(1).max(1);
        let last_allowed_page = crate::search::MAX_OFFSET / SEARCH_RESULTS + 1;
        let mut request = SearchRequest {
            query: searched.clone(),
            category: category.clone(),
            level,
            kind,
            visitor_level,
            offset: (asked_page.min(last_allowed_page) - 1) * SEARCH_RESULTS,
            limit: SEARCH_RESULTS,
        };
        let search = |request: &SearchRequest| {
            self.search.search(request).map_err(|error| {
                tracing::error!("search failed, the visitor is told it is unavailable: {error}");
                SearchUnavailable
            })
        };
        let mut results = search(&request)?;
        let pages = results.total.div_ceil(SEARCH_RESULTS).clamp(1, last_allowed_page);
        if results.hits.is_empty() && results.total > 0 {
            request.offset = (pages - 1) * SEARCH_RESULTS;
            results = search(&request)?;
        }
        let page = request.offset / SEARCH_RESULTS + 1;
        if results.hits.is_empty()
            && !words.is_empty()
            && let Some(visitor) = visitor
        {
            self.recorder.record(&visitor.0, EventKind::SearchWithoutResults { query: searched.clone() });
        }
        let did_you_mean = (results.hits.is_empty() || results.relaxed)
            .then(|| self.search.did_you_mean_that_finds(&request))
            .flatten();
        let popular = if results.hits.is_empty() {
            let mut popular = popular_articles(&snapshot);
            order_articles(visitor_level, &mut popular);
            popular.truncate(POPULAR_SHOWN_IN_SEARCH);
            popular
        } else {
            Vec::new()
        };
        Ok(SearchPage {
            query: searched,
            was_cut,
            max_query_chars: MAX_QUERY_CHARS,
            hits: results.hits,
            total: results.total,
            page,
            pages,
            per_page: SEARCH_RESULTS,
            relaxed: results.relaxed,
            counts: results.counts,
            did_you_mean,
            ignored_filters,
            category,
            level,
            kind,
            categories: snapshot.categories.iter().map(|c| (c.slug.clone(), c.title.clone())).collect(),
            popular,
        })
    }

    fn suggest(&self, visitor_level: Option<Level>, query: &str) -> Suggestions {
        let query: String = query.chars().take(MAX_QUERY_CHARS).collect();
        self.search.suggest(&query, visitor_level, SUGGESTIONS)
    }

    fn new_form_token(&self) -> String {
        let mut bytes = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
        hex::encode(bytes)
    }

    fn record_soon(&self, visitor: &VisitorId, event: EventKind) {
        self.recorder.record(&visitor.0, event);
    }

    async fn record_event(&self, visitor: &VisitorId, event: EventKind) -> Result<(), BackendError> {
        self.events
            .append(NewEvent { visitor: visitor.0.clone(), kind: event })
            .await
            .map(drop)
            .map_err(|error| BackendError::Store(error.to_string()))
    }

    async fn visitor_request(
        &self,
        visitor: &VisitorId,
        reference: &str,
    ) -> Result<Option<RequestView>, BackendError> {
        let submission = match self.submissions.by_reference(reference).await {
            Ok(submission) if submission.visitor == visitor.0 => submission,
            Ok(_) | Err(SubmissionsError::NotFound(_)) => return Ok(None),
            Err(error) => return Err(BackendError::Store(error.to_string())),
        };
        let snapshot = self.content.snapshot();
        // A task removed since keeps its requests readable, without a form to label them.
        let task = snapshot.tasks.get(&submission.task);
        Ok(Some(request_view(&submission, task, &snapshot.site.zone())))
    }
}

/// A stored submission as its visitor reads it: labelled answers in the form's
/// order, and the times in the site's time zone.
fn request_view(
    submission: &StoredSubmission,
    task: Option<&crate::content::Task>,
    zone: &crate::content::SiteTimeZone,
) -> RequestView {
    let sent_at = submission.submitted_at_ms.div_euclid(1000);
    let value_of =
        |name: &str| submission.fields.get(name).and_then(|value| value.as_str()).unwrap_or_default();
    let answers = match task {
        Some(task) => task
            .fields
            .iter()
            .filter(|field| !value_of(&field.name).is_empty())
            .map(|field| SentAnswer {
                label: field.label.clone(),
                value: match field.kind {
                    FieldKind::Checkbox => "Yes".to_owned(),
                    _ => value_of(&field.name).to_owned(),
                },
            })
            .collect(),
        None => Vec::new(),
    };
    RequestView {
        reference: submission.reference.clone(),
        task_id: submission.task.clone(),
        task_title: task.map_or_else(|| submission.task.clone(), |task| task.title.clone()),
        sent_text: zone.moment(sent_at),
        answers,
        what_happens_next: task.map(|task| task.what_happens_next.clone()).unwrap_or_default(),
        reply_by_text: task
            .and_then(|task| task.reply_within_business_days)
            .map(|days| zone.business_days_after(sent_at, days)),
    }
}

fn diagnostic_view(diagnostic: &Diagnostic) -> DiagnosticView {
    DiagnosticView {
        location: format!("{}:{}:{}", diagnostic.path.display(), diagnostic.line, diagnostic.column),
        is_error: diagnostic.severity == Severity::Error,
        code: diagnostic.code.to_owned(),
        message: diagnostic.message.clone(),
        help: diagnostic.help.clone(),
        excerpt: diagnostic.excerpt(),
    }
}

/// Suggestions shown under the search box as the visitor types.
const SUGGESTIONS: usize = 6;
/// Results shown on one page.
const SEARCH_RESULTS: usize = 20;
/// How many articles count as popular; the visitor's level picks among them.
const POPULAR_ARTICLES: usize = 12;
/// How many popular articles a search without results offers.
const POPULAR_SHOWN_IN_SEARCH: usize = 5;

/// The articles editors most often pick as the next question: a stable "popular"
/// until visitor journeys can say more.
fn popular_articles(snapshot: &crate::content::ContentSnapshot) -> Vec<ArticleSummary> {
    let mut picks: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for article in snapshot.articles.values() {
        for slug in &article.front_matter.next {
            *picks.entry(slug.as_str()).or_default() += 1;
        }
    }
    let mut ranked: Vec<(&str, usize)> =
        picks.into_iter().filter(|(slug, _)| snapshot.articles.contains_key(*slug)).collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    ranked
        .into_iter()
        .take(POPULAR_ARTICLES)
        .filter_map(|(slug, _)| snapshot.articles.get(slug))
        .map(|article| ArticleSummary {
            slug: article.slug.clone(),
            title: article.front_matter.title.clone(),
            summary: article.front_matter.summary.clone(),
            level: article.front_matter.level,
            kind: article.front_matter.kind,
        })
        .collect()
}
