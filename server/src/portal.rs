//! The server's side of the app's capability traits (`ContentReader`,
//! `SearchService`, `VisitorEvents`, `TaskForms`, `InsightsReader`,
//! `EffortRatings`). `Portal` holds what lives as long as the server; each request
//! gets a `PortalRequest` over one content snapshot, provided as every capability,
//! so a page rendered during a reload reads one version throughout.

pub mod views;

use crate::content::{ContentLibrary, ContentSnapshot};
use crate::insights;
use crate::journeys::blend;
use crate::journeys::visits::Step;
use crate::search::{MAX_QUERY_CHARS, SearchRequest, query_words};
use crate::store::{
    EffortScores, EffortScoresError, EventLog, NewEffortRating, NewEvent, Submissions, SubmissionsError,
};
use std::sync::{Arc, Mutex};
use telepath_app::backend::{
    Backends, ContentReader, CustomerChat, EffortRated, EffortRatings, InsightsReader, SearchService,
    TaskForms, VisitorEvents, VisitorId,
};
use telepath_app::error::AppError;
use telepath_app::visitor::VisitorPrefs;
use telepath_app::wire::{
    ArticleSummary, ArticleView, CategoryView, ChatOfferView, ContentReport, DiagnosticView, EffortInsights,
    FileWithErrors, InsightsView, KitView, NextQuestion, RequestView, SearchPage, SearchQuery, SiteView,
    Suggestions, TaskSummary, TaskView,
};
use telepath_domain::guidance::order_articles;
use telepath_domain::{
    ArticleKind, EFFORT_SCALE_VERSION, EffortScore, EventKind, Level, Notice, NoticePlace, Touchpoint,
};

#[derive(Clone, Debug)]
pub struct Portal {
    pub content: Arc<ContentLibrary>,
    pub events: Arc<dyn EventLog>,
    /// Events recorded without making the page wait (page views, clicks, searches).
    pub recorder: crate::journeys::EventRecorder,
    pub submissions: Arc<dyn Submissions>,
    /// Answers to the effort question.
    pub effort: Arc<dyn EffortScores>,
    pub search: Arc<crate::search::SearchIndex>,
    /// What visitors go on to after each page, and the editors' insights, learned from journeys.
    pub journeys: Arc<crate::journeys::JourneyKnowledge>,
    /// Live chat, for the customer's chat page.
    pub chat: crate::chat::Chat,
    /// Pages show their content problems to the editor previewing them.
    pub development: bool,
}

impl Portal {
    /// The capabilities for one request, over the content as it is now, for the
    /// visitor the request describes.
    pub fn for_request(&self, visitor: VisitorFacts) -> Backends {
        let request = Arc::new(PortalRequest {
            portal: self.clone(),
            snapshot: self.content.snapshot(),
            visitor,
            recorded: Mutex::default(),
            chat_offer: Mutex::default(),
        });
        Backends {
            content: request.clone(),
            search: request.clone(),
            events: request.clone(),
            tasks: request.clone(),
            insights: request.clone(),
            chat: request.clone(),
            effort: request,
        }
    }
}

/// One request's view of the portal: the content snapshot it started with.
pub struct PortalRequest {
    portal: Portal,
    snapshot: Arc<ContentSnapshot>,
    visitor: VisitorFacts,
    /// What this request recorded: the chat offer reads it with the log, which may
    /// not have it yet.
    recorded: Mutex<Vec<EventKind>>,
    /// The chat offer for a visitor and page, worked out once per request.
    chat_offer: Mutex<Option<((String, String), SharedOffer)>>,
}

/// The chat offer being worked out in a task of its own. A page's Suspense may
/// start it more than once and drop all but the last; dropping a database query
/// half-way would cost its connection (PostgreSQL opened a new session per page
/// view), and a second run would read everything again.
type SharedOffer = futures_util::future::Shared<
    futures_util::future::BoxFuture<'static, Result<Option<ChatOfferView>, AppError>>,
>;

/// What a request says about its visitor that changes what the portal does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VisitorFacts {
    /// The level they chose, if any: orders a cold start's next questions.
    pub level: Option<Level>,
    /// False when their browser asks not to be tracked (`Sec-GPC: 1` or `DNT: 1`):
    /// nothing they do is recorded, and everything works the same.
    pub may_record: bool,
}

impl VisitorFacts {
    pub fn of(headers: &http::HeaderMap, extensions: &http::Extensions) -> VisitorFacts {
        let says_no = |name: &str| headers.get(name).is_some_and(|value| value.as_bytes() == b"1");
        VisitorFacts {
            level: extensions.get::<VisitorPrefs>().and_then(|prefs| prefs.level.level()),
            may_record: !says_no("sec-gpc") && !says_no("dnt"),
        }
    }
}

impl ContentReader for PortalRequest {
    fn site(&self) -> SiteView {
        views::site(&self.snapshot)
    }

    fn categories(&self) -> Vec<CategoryView> {
        self.snapshot.categories.iter().map(|category| views::category(&self.snapshot, category)).collect()
    }

    fn category(&self, slug: &str) -> Option<CategoryView> {
        let category = self.snapshot.categories.iter().find(|category| category.slug == slug)?;
        Some(views::category(&self.snapshot, category))
    }

    fn article(&self, slug: &str) -> Option<ArticleView> {
        let mut article = views::article(&self.snapshot, slug)?;
        article.next_questions = self.next_questions_after(slug);
        Some(article)
    }

    fn article_diagnostics(&self, slug: &str) -> Vec<DiagnosticView> {
        if !self.portal.development {
            return Vec::new();
        }
        let Some(article) = self.snapshot.articles.get(slug) else { return Vec::new() };
        self.snapshot
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.path == article.source)
            .map(views::diagnostic)
            .collect()
    }

    fn content_report(&self) -> ContentReport {
        let snapshot = &self.snapshot;
        ContentReport {
            articles: snapshot.articles.len(),
            categories: snapshot.categories.len(),
            errors: snapshot.errors(),
            warnings: snapshot.warnings(),
            diagnostics: snapshot.diagnostics.iter().map(views::diagnostic).collect(),
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
        self.snapshot.kits.get(&level).map(views::kit)
    }

    fn tasks(&self) -> Vec<TaskSummary> {
        let mut tasks: Vec<TaskSummary> = self.snapshot.tasks.values().map(views::task_summary).collect();
        tasks.sort_by(|a, b| a.title.cmp(&b.title));
        tasks
    }

    fn task(&self, id: &str) -> Option<TaskView> {
        views::task(&self.snapshot, id)
    }

    fn notices(&self) -> Vec<Notice> {
        let zone = self.snapshot.site.zone();
        self.snapshot.notices.iter().map(|notice| notice.in_zone(&zone)).collect()
    }

    fn notice_place(&self, path: &str, level: Option<Level>) -> NoticePlace {
        self.snapshot.notice_place(path, level)
    }

    fn popular_articles(&self) -> Vec<ArticleSummary> {
        popular_articles(&self.snapshot)
    }

    fn next_questions_after_sending(&self, id: &str) -> Vec<NextQuestion> {
        let Some(task) = self.snapshot.tasks.get(id) else { return Vec::new() };
        let picks: Vec<Step> = task.related_articles.iter().map(|slug| Step::Article(slug.clone())).collect();
        self.blended(&Step::TaskSent(id.to_owned()), &picks, &task.category)
    }
}

impl PortalRequest {
    /// The next questions after article `slug`: the model's, blended with the
    /// editors' picks; a cold start falls back to the same category in the order
    /// this visitor's level reads it.
    fn next_questions_after(&self, slug: &str) -> Vec<NextQuestion> {
        let Some(article) = self.snapshot.articles.get(slug) else { return Vec::new() };
        let picks: Vec<Step> =
            article.front_matter.next.iter().map(|slug| Step::Article(slug.clone())).collect();
        self.blended(&Step::Article(slug.to_owned()), &picks, &article.category)
    }

    /// The blend after `from` of the model, the editors' `picks` and, for a cold
    /// start, the articles of `category` in the order this visitor's level reads them.
    fn blended(&self, from: &Step, picks: &[Step], category: &str) -> Vec<NextQuestion> {
        let snapshot = &self.snapshot;
        let mut same_category: Vec<ArticleSummary> = snapshot
            .categories
            .iter()
            .find(|candidate| candidate.slug == category)
            .map(|category| views::category(snapshot, category).articles)
            .unwrap_or_default();
        order_articles(self.visitor.level, &mut same_category);
        let fallback: Vec<Step> =
            same_category.into_iter().map(|summary| Step::Article(summary.slug)).collect();
        let model = self.portal.journeys.model();
        let exists = |step: &Step| match step {
            Step::Article(slug) => snapshot.articles.contains_key(slug),
            Step::Task(id) => snapshot.tasks.contains_key(id),
            Step::TaskSent(_) => false,
        };
        blend::next_questions(&model, from, picks, &fallback, exists)
            .into_iter()
            .filter_map(|step| views::next_question(snapshot, &step))
            .collect()
    }
}

/// The filters a search's address names, each kept only when it names something
/// (an unknown one is listed, so the page can say it was ignored).
struct SearchFilters {
    category: Option<String>,
    level: Option<Level>,
    kind: Option<ArticleKind>,
    ignored: Vec<String>,
}

impl SearchFilters {
    fn read(snapshot: &ContentSnapshot, query: &SearchQuery) -> SearchFilters {
        let mut ignored = Vec::new();
        let mut known = |name: &str, value: &Option<String>, is_known: &dyn Fn(&str) -> bool| {
            let value = value.clone().filter(|value| !value.is_empty())?;
            if is_known(&value) {
                Some(value)
            } else {
                ignored.push(format!("{name}={value}"));
                None
            }
        };
        let category =
            known("category", &query.category, &|value| snapshot.categories.iter().any(|c| c.slug == value));
        let level = known("level", &query.level, &|value| Level::parse(value).is_some())
            .and_then(|v| Level::parse(&v));
        let kind = known("kind", &query.kind, &|value| ArticleKind::parse(value).is_some())
            .and_then(|v| ArticleKind::parse(&v));
        SearchFilters { category, level, kind, ignored }
    }
}

impl SearchService for PortalRequest {
    fn search(
        &self,
        visitor: Option<VisitorId>,
        visitor_level: Option<Level>,
        query: SearchQuery,
    ) -> Result<SearchPage, AppError> {
        let snapshot = &self.snapshot;
        let filters = SearchFilters::read(snapshot, &query);
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
            category: filters.category.clone(),
            level: filters.level,
            kind: filters.kind,
            visitor_level,
            offset: (asked_page.min(last_allowed_page) - 1) * SEARCH_RESULTS,
            limit: SEARCH_RESULTS,
        };
        let search = |request: &SearchRequest| {
            self.portal.search.search(request).map_err(|error| {
                tracing::error!("search failed, the visitor is told it is unavailable: {error}");
                AppError::SearchUnavailable
            })
        };
        let mut results = search(&request)?;
        let pages = results.total.div_ceil(SEARCH_RESULTS).clamp(1, last_allowed_page);
        if results.hits.is_empty() && results.total > 0 {
            request.offset = (pages - 1) * SEARCH_RESULTS;
            results = search(&request)?;
        }
        let page = request.offset / SEARCH_RESULTS + 1;
        if let Some(visitor) = visitor.filter(|_| self.visitor.may_record && !words.is_empty() && page == 1) {
            let results_found = u32::try_from(results.total).unwrap_or(u32::MAX);
            let recorder = &self.portal.recorder;
            let mut searched_events =
                vec![EventKind::Searched { query: searched.clone(), results: results_found }];
            if results.hits.is_empty() {
                searched_events.push(EventKind::SearchWithoutResults { query: searched.clone() });
            }
            for event in searched_events {
                self.remember(&event);
                recorder.record(&visitor.0, event);
            }
        }
        let did_you_mean = (results.hits.is_empty() || results.relaxed)
            .then(|| self.portal.search.did_you_mean_that_finds(&request))
            .flatten();
        let popular = if results.hits.is_empty() {
            let mut popular = popular_articles(snapshot);
            order_articles(visitor_level, &mut popular);
            popular.truncate(POPULAR_SHOWN_IN_SEARCH);
            popular
        } else {
            Vec::new()
        };
        let unfiltered = filters.category.is_none()
            && filters.level.is_none()
            && filters.kind.is_none()
            && filters.ignored.is_empty();
        let indexed_as =
            (page == 1 && unfiltered && !was_cut && !results.hits.is_empty() && !results.relaxed)
                .then(|| self.portal.search.in_article_words(&searched))
                .flatten();
        Ok(SearchPage {
            indexed_as,
            query: searched,
            was_cut,
            max_query_chars: MAX_QUERY_CHARS,
            hits: results.hits.into_iter().map(views::search_hit).collect(),
            total: results.total,
            page,
            pages,
            per_page: SEARCH_RESULTS,
            relaxed: results.relaxed,
            counts: views::facet_counts(results.counts),
            did_you_mean,
            ignored_filters: filters.ignored,
            category: filters.category,
            level: filters.level,
            kind: filters.kind,
            categories: snapshot.categories.iter().map(|c| (c.slug.clone(), c.title.clone())).collect(),
            popular,
        })
    }

    fn suggest(&self, visitor_level: Option<Level>, query: &str) -> Suggestions {
        let query: String = query.chars().take(MAX_QUERY_CHARS).collect();
        views::suggestions(self.portal.search.suggest(&query, visitor_level, SUGGESTIONS))
    }
}

#[async_trait::async_trait]
impl TaskForms for PortalRequest {
    fn new_form_token(&self) -> String {
        one_time_id()
    }

    async fn visitor_request(
        &self,
        visitor: &VisitorId,
        reference: &str,
    ) -> Result<Option<RequestView>, AppError> {
        let submission = match self.portal.submissions.by_reference(reference).await {
            Ok(submission) if submission.visitor == visitor.0 => submission,
            Ok(_) | Err(SubmissionsError::NotFound(_)) => return Ok(None),
            Err(error) => {
                tracing::error!("reading a task submission failed: {error}");
                return Err(AppError::StoreUnavailable);
            }
        };
        // A task removed since keeps its requests readable, without a form to label them.
        let task = self.snapshot.tasks.get(&submission.task);
        Ok(Some(views::request(&submission, task, &self.snapshot.site.zone())))
    }
}

#[async_trait::async_trait]
impl CustomerChat for PortalRequest {
    async fn visitor_chat(
        &self,
        visitor: &VisitorId,
    ) -> Result<telepath_app::wire::CustomerChatView, AppError> {
        use crate::store::Clock;
        let support_hours = &self.snapshot.site.support_hours;
        let now_ms = crate::store::SystemClock.now_ms();
        crate::chat::customer::customer_view(&self.portal.chat, &visitor.0, support_hours, now_ms)
            .await
            .map_err(|error| {
                tracing::error!("the chat page cannot read the conversation: {error}");
                AppError::StoreUnavailable
            })
    }

    async fn chat_offer(&self, visitor: &VisitorId, path: &str) -> Result<Option<ChatOfferView>, AppError> {
        use futures_util::FutureExt;
        let key = (visitor.0.clone(), path.to_owned());
        let offer = {
            let mut kept = self.chat_offer.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            match kept.as_ref() {
                Some((for_key, offer)) if *for_key == key => offer.clone(),
                _ => {
                    let just_now =
                        self.recorded.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
                    let working_out = tokio::spawn(chat_offer_view(
                        self.portal.clone(),
                        self.snapshot.clone(),
                        self.visitor.level,
                        key.clone(),
                        just_now,
                    ));
                    let offer = async move { working_out.await.unwrap_or(Err(AppError::StoreUnavailable)) }
                        .boxed()
                        .shared();
                    *kept = Some((key, offer.clone()));
                    offer
                }
            }
        };
        offer.await
    }

    fn new_client_id(&self) -> String {
        one_time_id()
    }
}

/// What the page shows beside its content for `visitor` on `path`, given the events
/// this request recorded `just_now`.
async fn chat_offer_view(
    portal: Portal,
    snapshot: Arc<ContentSnapshot>,
    level: Option<Level>,
    (visitor, path): (String, String),
    just_now: Vec<EventKind>,
) -> Result<Option<ChatOfferView>, AppError> {
    use crate::chat::offer::{Offer, offer_for};
    use crate::store::Clock;
    let now_ms = crate::store::SystemClock.now_ms();
    let offer = offer_for(&portal.chat, portal.events.as_ref(), &visitor, &path, &just_now, now_ms)
        .await
        .map_err(|error| {
            tracing::error!("the chat offer cannot be worked out: {error}");
            AppError::StoreUnavailable
        })?;
    Ok(match offer {
        Offer::Nothing => None,
        Offer::ConversationOpen => Some(ChatOfferView::ConversationOpen),
        Offer::Person { reasons, availability } => Some(ChatOfferView::Person {
            words: reasons.first().map(telepath_domain::OfferReason::visitor_words).unwrap_or_default(),
            availability: availability.view(),
        }),
        Offer::WhenLingering { availability } => {
            let after = snapshot.site.chat.linger.threshold(level);
            Some(ChatOfferView::WhenLingering {
                after_seconds: after.as_secs(),
                words: telepath_domain::OfferReason::Lingered {
                    seconds: u32::try_from(after.as_secs()).unwrap_or(u32::MAX),
                }
                .visitor_words(),
                availability: availability.view(),
            })
        }
    })
}

/// A random id for one rendered form (32 hex digits), so the same form sent twice is
/// recognised as one.
fn one_time_id() -> String {
    let mut bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    hex::encode(bytes)
}

#[async_trait::async_trait]
impl VisitorEvents for PortalRequest {
    fn record_soon(&self, visitor: &VisitorId, event: EventKind) {
        if self.visitor.may_record {
            self.remember(&event);
            self.portal.recorder.record(&visitor.0, event);
        }
    }

    async fn record(&self, visitor: &VisitorId, event: EventKind) -> Result<(), AppError> {
        if !self.visitor.may_record {
            return Ok(());
        }
        self.remember(&event);
        self.portal
            .events
            .append(NewEvent { visitor: visitor.0.clone(), kind: event })
            .await
            .map(drop)
            .map_err(|error| {
                tracing::error!("recording an event failed: {error}");
                AppError::StoreUnavailable
            })
    }
}

#[async_trait::async_trait]
impl InsightsReader for PortalRequest {
    fn insights(&self, days: u32) -> InsightsView {
        let report = insights::report(&self.portal.journeys.insights(), last_days(days));
        views::insights(&self.snapshot, &report, last_days(days))
    }

    async fn effort(&self, days: u32) -> Result<EffortInsights, AppError> {
        let report = effort_report(self.portal.effort.as_ref(), last_days(days)).await.map_err(|error| {
            tracing::error!("reading the effort ratings failed: {error}");
            AppError::StoreUnavailable
        })?;
        Ok(views::effort_insights(&self.snapshot, &report))
    }
}

/// The `days` days up to today (UTC).
pub fn last_days(days: u32) -> insights::Period {
    let today = crate::store::Clock::now_ms(&crate::store::SystemClock).div_euclid(DAY_MS);
    insights::Period { last_day: today, days }
}

/// The effort ratings of `period` on the current scale, for the page and its CSV.
pub async fn effort_report(
    effort: &dyn EffortScores,
    period: insights::Period,
) -> Result<insights::EffortReport, EffortScoresError> {
    let (from_ms, to_ms) = period.bounds_ms();
    let rows = effort.summary(from_ms, to_ms).await?;
    Ok(insights::effort_report(&rows, EFFORT_SCALE_VERSION))
}

#[async_trait::async_trait]
impl EffortRatings for PortalRequest {
    async fn task_rating(
        &self,
        visitor: &VisitorId,
        task: &str,
        reference: &str,
    ) -> Result<Option<EffortScore>, AppError> {
        let touchpoint = Touchpoint::Task { task: task.to_owned(), reference: reference.to_owned() };
        self.rating_of(visitor, &touchpoint).await
    }

    async fn rate_task(
        &self,
        visitor: &VisitorId,
        task: &str,
        reference: &str,
        score: EffortScore,
    ) -> Result<Option<EffortRated>, AppError> {
        // The same rule as reading a request back: only the visitor who sent it.
        match self.portal.submissions.by_reference(reference).await {
            Ok(submission) if submission.visitor == visitor.0 && submission.task == task => {}
            Ok(_) | Err(SubmissionsError::NotFound(_)) => return Ok(None),
            Err(error) => {
                tracing::error!("reading a task submission failed: {error}");
                return Err(AppError::StoreUnavailable);
            }
        }
        let touchpoint = Touchpoint::Task { task: task.to_owned(), reference: reference.to_owned() };
        self.record_rating(visitor, touchpoint, score).await.map(Some)
    }

    async fn chat_rating(
        &self,
        visitor: &VisitorId,
        conversation: i64,
    ) -> Result<Option<EffortScore>, AppError> {
        let Some(touchpoint) = self.ended_conversation(visitor, conversation).await? else { return Ok(None) };
        self.rating_of(visitor, &touchpoint).await
    }

    async fn rate_chat(
        &self,
        visitor: &VisitorId,
        conversation: i64,
        score: EffortScore,
    ) -> Result<Option<EffortRated>, AppError> {
        let Some(touchpoint) = self.ended_conversation(visitor, conversation).await? else { return Ok(None) };
        self.record_rating(visitor, touchpoint, score).await.map(Some)
    }
}

impl PortalRequest {
    /// The visitor's answer about `touchpoint`, if they gave one.
    async fn rating_of(
        &self,
        visitor: &VisitorId,
        touchpoint: &Touchpoint,
    ) -> Result<Option<EffortScore>, AppError> {
        match self.portal.effort.rating_for(&visitor.0, touchpoint).await {
            Ok(rating) => Ok(Some(rating.score)),
            Err(EffortScoresError::NotFound(_)) => Ok(None),
            Err(error) => {
                tracing::error!("reading an effort rating failed: {error}");
                Err(AppError::StoreUnavailable)
            }
        }
    }

    /// Stores the visitor's answer about `touchpoint`, replacing an earlier one. An
    /// answer, not tracking: kept also for a browser that asks not to be tracked.
    async fn record_rating(
        &self,
        visitor: &VisitorId,
        touchpoint: Touchpoint,
        score: EffortScore,
    ) -> Result<EffortRated, AppError> {
        let rating = NewEffortRating {
            visitor: visitor.0.clone(),
            touchpoint,
            score,
            scale_version: EFFORT_SCALE_VERSION,
        };
        let recorded = self.portal.effort.record(rating).await.map_err(|error| {
            tracing::error!("recording an effort rating failed: {error}");
            AppError::StoreUnavailable
        })?;
        Ok(EffortRated { score: recorded.rating.score, replaced: recorded.replaced })
    }

    fn remember(&self, event: &EventKind) {
        self.recorded.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(event.clone());
    }

    /// What the effort question about `conversation` rates: the conversation, the
    /// agent who answered and why chat was offered; `None` unless it is this
    /// visitor's and has ended (another visitor's is not told apart from none).
    async fn ended_conversation(
        &self,
        visitor: &VisitorId,
        conversation: i64,
    ) -> Result<Option<Touchpoint>, AppError> {
        use crate::store::ConversationsError;
        match self.portal.chat.conversations.conversation(conversation).await {
            Ok(found)
                if found.visitor == visitor.0
                    && found.state == telepath_domain::ConversationState::Closed =>
            {
                Ok(Some(Touchpoint::Chat {
                    conversation,
                    agent: found.agent,
                    offer_reasons: found
                        .opened_because
                        .iter()
                        .map(|reason| reason.name().to_owned())
                        .collect(),
                }))
            }
            Ok(_) | Err(ConversationsError::NotFound(_)) => Ok(None),
            Err(error) => {
                tracing::error!("reading a conversation failed: {error}");
                Err(AppError::StoreUnavailable)
            }
        }
    }
}

const DAY_MS: i64 = 86_400_000;

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
fn popular_articles(snapshot: &ContentSnapshot) -> Vec<ArticleSummary> {
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
        .map(views::article_summary)
        .collect()
}
