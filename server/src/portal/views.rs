//! The one place the server's models become the app's views: content items, search
//! results and diagnostics in, what a page shows out. Content and search never see
//! a view type; pages never see a content model.

use crate::content::{Article, Category, ContentSnapshot, Diagnostic, Kit, Severity, readable_date};
use crate::insights;
use crate::journeys::visits::Step;
use crate::search;
use crate::store::StoredSubmission;
use telepath_app::wire::{
    ArticleSummary, ArticleView, CategoryView, DeflectionInsight, DiagnosticView, EffortInsight,
    EffortInsights, FacetCounts, FieldErrorInsight, FixInsight, InsightsView, KitView, LevelWording,
    NextQuestion, NextQuestionInsight, RequestView, SearchHit, SearchInsight, SentAnswer, SiteView,
    Suggestions, TaskSummary, TaskView, TocEntry, VoteInsight,
};
use telepath_domain::{FieldKind, Level, ListedPage};

pub fn site(snapshot: &ContentSnapshot) -> SiteView {
    let site = &snapshot.site;
    SiteView {
        product_name: site.product_name.clone(),
        tagline: site.tagline.clone(),
        support_hours: site.support_hours.clone(),
        support_time_zone: site.support_time_zone.clone(),
        level_question: site.level_question.clone(),
        levels: [
            (Level::Newcomer, &site.levels.newcomer),
            (Level::Technical, &site.levels.technical),
            (Level::Expert, &site.levels.expert),
        ]
        .into_iter()
        .map(|(level, wording)| LevelWording {
            level,
            choice: wording.choice.clone(),
            description: wording.description.clone(),
        })
        .collect(),
    }
}

pub fn article_summary(article: &Article) -> ArticleSummary {
    ArticleSummary {
        slug: article.slug.clone(),
        title: article.front_matter.title.clone(),
        summary: article.front_matter.summary.clone(),
        level: article.front_matter.level,
        kind: article.front_matter.kind,
    }
}

/// The summaries of the articles `slugs` names, in that order, skipping any that
/// are not published.
fn summaries<'a>(
    snapshot: &ContentSnapshot,
    slugs: impl IntoIterator<Item = &'a String>,
) -> Vec<ArticleSummary> {
    slugs.into_iter().filter_map(|slug| snapshot.articles.get(slug)).map(article_summary).collect()
}

pub fn category(snapshot: &ContentSnapshot, category: &Category) -> CategoryView {
    CategoryView {
        slug: category.slug.clone(),
        title: category.title.clone(),
        description: category.description.clone(),
        articles: summaries(snapshot, &category.articles),
    }
}

pub fn task(snapshot: &ContentSnapshot, id: &str) -> Option<TaskView> {
    let task = snapshot.tasks.get(id)?;
    Some(TaskView {
        id: task.id.clone(),
        title: task.title.clone(),
        summary: task.summary.clone(),
        category_slug: task.category.clone(),
        intro_html: task.intro_html.clone(),
        what_happens_next: task.what_happens_next.clone(),
        fields: task.fields.clone(),
        mistakes: task.mistakes.clone(),
        related_articles: summaries(snapshot, &task.related_articles),
        how_it_works: task
            .how_it_works
            .as_ref()
            .and_then(|slug| snapshot.articles.get(slug))
            .map(article_summary),
        today: snapshot.site.zone().today(),
    })
}

pub fn task_summary(task: &crate::content::Task) -> TaskSummary {
    TaskSummary { id: task.id.clone(), title: task.title.clone(), summary: task.summary.clone() }
}

pub fn article(snapshot: &ContentSnapshot, slug: &str) -> Option<ArticleView> {
    let article = snapshot.articles.get(slug)?;
    let category_title = snapshot
        .categories
        .iter()
        .find(|category| category.slug == article.category)
        .map_or_else(|| article.category.clone(), |category| category.title.clone());
    let front_matter = &article.front_matter;
    Some(ArticleView {
        slug: article.slug.clone(),
        title: front_matter.title.clone(),
        summary: front_matter.summary.clone(),
        level: front_matter.level,
        kind: front_matter.kind,
        category_slug: article.category.clone(),
        category_title,
        updated: front_matter.updated.to_string(),
        updated_text: front_matter
            .updated
            .date
            .as_ref()
            .map_or_else(|| front_matter.updated.to_string(), readable_date),
        body: article.body.clone(),
        toc: table_of_contents(article),
        // Filled in by the portal, which blends the editors' picks with journeys.
        next_questions: Vec::new(),
        do_it_now: front_matter
            .tasks
            .iter()
            .filter_map(|id| snapshot.tasks.get(id))
            .map(task_summary)
            .collect(),
    })
}

/// A next question's link, when the step is something a visitor can be sent to.
pub fn next_question(snapshot: &ContentSnapshot, step: &Step) -> Option<NextQuestion> {
    match step {
        Step::Article(slug) => {
            snapshot.articles.get(slug).map(|article| NextQuestion::Article(article_summary(article)))
        }
        Step::Task(id) => snapshot.tasks.get(id).map(|task| {
            NextQuestion::Task(TaskSummary {
                id: task.id.clone(),
                title: task.title.clone(),
                summary: task.summary.clone(),
            })
        }),
        Step::TaskSent(_) => None,
    }
}

/// Articles with fewer second-level headings than this read fine without a table
/// of contents.
const TOC_MIN_HEADINGS: usize = 3;

fn table_of_contents(article: &Article) -> Vec<TocEntry> {
    let sections: Vec<TocEntry> = article
        .headings
        .iter()
        .filter(|heading| heading.level == 2)
        .map(|heading| TocEntry { id: heading.id.clone(), text: heading.text.clone() })
        .collect();
    if sections.len() >= TOC_MIN_HEADINGS { sections } else { Vec::new() }
}

pub fn kit(kit: &Kit) -> KitView {
    KitView {
        level: kit.level,
        title: kit.title.clone(),
        intro: kit.intro.clone(),
        things: kit.things.clone(),
        next_step_label: kit.next_step_label.clone(),
        next_step_href: kit.next_step_href.clone(),
    }
}

pub fn diagnostic(diagnostic: &Diagnostic) -> DiagnosticView {
    DiagnosticView {
        location: format!("{}:{}:{}", diagnostic.path.display(), diagnostic.line, diagnostic.column),
        is_error: diagnostic.severity == Severity::Error,
        code: diagnostic.code.to_owned(),
        message: diagnostic.message.clone(),
        help: diagnostic.help.clone(),
        excerpt: diagnostic.excerpt(),
    }
}

pub fn search_hit(hit: search::Hit) -> SearchHit {
    SearchHit {
        slug: hit.slug,
        title_html: hit.title_html,
        snippet_html: hit.snippet_html,
        category: hit.category,
        level: hit.level,
        kind: hit.kind,
    }
}

pub fn facet_counts(counts: search::FacetCounts) -> FacetCounts {
    FacetCounts { categories: counts.categories, levels: counts.levels, kinds: counts.kinds }
}

pub fn suggestions(suggestions: search::Suggestions) -> Suggestions {
    Suggestions {
        query: suggestions.query,
        hits: suggestions.hits.into_iter().map(search_hit).collect(),
        partial: suggestions.partial,
        did_you_mean: suggestions.did_you_mean,
    }
}

/// A stored submission as its visitor reads it: labelled answers in the form's
/// order, and the times in the site's time zone.
pub fn request(
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

/// Editors' insights for a period: the report's rows with titles for slugs and
/// tasks, the mistakes that match field errors, and the charts.
pub fn insights(
    snapshot: &ContentSnapshot,
    report: &insights::Report,
    period: insights::Period,
) -> InsightsView {
    let article_title = |slug: &str| {
        snapshot.articles.get(slug).map_or_else(|| slug.to_owned(), |a| a.front_matter.title.clone())
    };
    let search = |row: &insights::SearchRow| SearchInsight {
        query: row.query.clone(),
        searched: row.counts.searched,
        without_results: row.counts.without_results,
        not_clicked: row.not_clicked(),
        followed_by_chat: row.counts.followed_by_chat,
        before: row.before,
    };
    let percent = |part: u32, whole: u32| (f64::from(part) * 100.0 / f64::from(whole.max(1))).round() as u32;
    let searches_by_day: Vec<(String, u32, u32)> = report
        .searches_by_day
        .iter()
        .map(|(day, searched, failed)| (day_text(*day), *searched, *failed))
        .collect();
    let votes: Vec<VoteInsight> = report
        .votes
        .iter()
        .map(|row| VoteInsight {
            slug: row.slug.clone(),
            title: article_title(&row.slug),
            yes: row.yes,
            no: row.no,
            helpful_percent: percent(row.yes, row.yes + row.no),
        })
        .collect();
    let worst: Vec<(String, u32)> =
        votes.iter().take(CHARTED_ARTICLES).map(|vote| (vote.title.clone(), vote.helpful_percent)).collect();
    InsightsView {
        days: period.days,
        period_text: format!(
            "{} to {} (UTC)",
            day_text(period.last_day - i64::from(period.days) + 1),
            day_text(period.last_day)
        ),
        searches_chart_svg: insights::charts::searches_per_day(&searches_by_day).unwrap_or_default(),
        searches_by_day,
        top_searches: report.searches.iter().take(TABLE_ROWS).map(search).collect(),
        without_results: report.without_results().take(TABLE_ROWS).map(search).collect(),
        without_clicks: report.without_clicks().take(TABLE_ROWS).map(search).collect(),
        followed_by_chat: report.followed_by_chat().take(TABLE_ROWS).map(search).collect(),
        votes_chart_svg: insights::charts::helpful_share(&worst).unwrap_or_default(),
        votes: votes.into_iter().take(TABLE_ROWS).collect(),
        field_errors: report
            .field_errors
            .iter()
            .take(TABLE_ROWS)
            .map(|row| {
                let task = snapshot.tasks.get(&row.task);
                let field = task.and_then(|task| task.fields.iter().find(|field| field.name == row.field));
                FieldErrorInsight {
                    task: row.task.clone(),
                    task_title: task.map_or_else(|| row.task.clone(), |task| task.title.clone()),
                    field_label: field.map_or_else(|| row.field.clone(), |field| field.label.clone()),
                    errors: row.errors,
                    mistake: task.and_then(|task| {
                        task.mistakes
                            .iter()
                            .find(|m| m.field.as_deref() == Some(row.field.as_str()))
                            .map(|m| m.title.clone())
                    }),
                }
            })
            .collect(),
        next_questions: report
            .next_questions
            .iter()
            .take(TABLE_ROWS)
            .map(|row| NextQuestionInsight {
                href: match row.from_page {
                    ListedPage::Article => telepath_app::urls::article(&row.from),
                    ListedPage::Task => telepath_app::urls::task(&row.from),
                },
                title: match row.from_page {
                    ListedPage::Article => article_title(&row.from),
                    ListedPage::Task => format!(
                        "Sent: {}",
                        snapshot.tasks.get(&row.from).map_or(row.from.as_str(), |task| task.title.as_str())
                    ),
                },
                shown: row.shown,
                followed: row.followed,
                click_percent: percent(row.followed, row.shown),
            })
            .collect(),
        suggested_fixes: report
            .suggested_fixes
            .iter()
            .take(TABLE_ROWS)
            .map(|row| FixInsight {
                query: row.query.clone(),
                slug: row.slug.clone(),
                title: article_title(&row.slug),
                visits: row.visits,
                front_matter_line: format!("tags = [\"{}\"]", row.query.replace(['"', '\\'], "")),
            })
            .collect(),
        deflection: deflection(snapshot, &report.outcomes, percent),
    }
}

/// Visits' outcomes added up by the category of the article they entered on.
fn deflection(
    snapshot: &ContentSnapshot,
    outcomes: &[(Option<String>, insights::Outcomes)],
    percent: impl Fn(u32, u32) -> u32,
) -> Vec<DeflectionInsight> {
    let mut by_topic: Vec<(String, insights::Outcomes)> = Vec::new();
    for (entry, counted) in outcomes {
        let topic = entry
            .as_ref()
            .and_then(|slug| snapshot.articles.get(slug))
            .and_then(|article| snapshot.categories.iter().find(|category| category.slug == article.category))
            .map_or_else(
                || "Entered elsewhere (home, search, a task)".to_owned(),
                |category| category.title.clone(),
            );
        let index = match by_topic.iter().position(|(known, _)| *known == topic) {
            Some(index) => index,
            None => {
                by_topic.push((topic, insights::Outcomes::default()));
                by_topic.len() - 1
            }
        };
        let total = &mut by_topic[index].1;
        total.self_served += counted.self_served;
        total.asked_for_a_person += counted.asked_for_a_person;
        total.neither += counted.neither;
    }
    let visits = |o: &insights::Outcomes| o.self_served + o.asked_for_a_person + o.neither;
    by_topic.sort_by(|a, b| visits(&b.1).cmp(&visits(&a.1)).then_with(|| a.0.cmp(&b.0)));
    by_topic
        .into_iter()
        .map(|(topic, o)| DeflectionInsight {
            self_served_percent: percent(o.self_served, visits(&o)),
            topic,
            self_served: o.self_served,
            asked_for_a_person: o.asked_for_a_person,
            neither: o.neither,
        })
        .collect()
}

/// Customer effort for the insights page: names in place of ids, and the chart of
/// how the most rated tasks' ratings spread.
pub fn effort_insights(snapshot: &ContentSnapshot, report: &insights::EffortReport) -> EffortInsights {
    let insight = |name: String, href: Option<String>, tally: &insights::EffortTally| EffortInsight {
        name,
        href,
        ratings: tally.ratings(),
        mean_text: tally.mean().map_or_else(|| "—".to_owned(), |mean| format!("{mean:.1}")),
        low_effort_percent: (tally.low_effort_share() * 100.0).round() as u32,
        counts: tally.counts,
    };
    let tasks: Vec<EffortInsight> = report
        .tasks
        .iter()
        .take(TABLE_ROWS)
        .map(|(id, tally)| match snapshot.tasks.get(id) {
            Some(task) => insight(task.title.clone(), Some(telepath_app::urls::task(id)), tally),
            // A task removed since keeps its ratings, under its id.
            None => insight(id.clone(), None, tally),
        })
        .collect();
    let charted: Vec<(String, [u32; 5])> =
        tasks.iter().take(CHARTED_TASKS).map(|task| (task.name.clone(), task.counts)).collect();
    EffortInsights {
        scale_version: report.scale_version,
        other_scale_ratings: report.other_scale_ratings,
        tasks_chart_svg: insights::charts::effort_spread(&charted).unwrap_or_default(),
        tasks,
        chat: report.chat.as_ref().map(|tally| insight("All chats".to_owned(), None, tally)),
        agents: report
            .agents
            .iter()
            .take(TABLE_ROWS)
            .map(|(agent, tally)| insight(agent_name(*agent), None, tally))
            .collect(),
        offer_reasons: report
            .offer_reasons
            .iter()
            .take(TABLE_ROWS)
            .map(|(reason, tally)| insight(reason.clone(), None, tally))
            .collect(),
    }
}

/// An agent as the effort tables name them, by staff account until chat brings names.
pub fn agent_name(agent: Option<i64>) -> String {
    agent.map_or_else(|| "No agent answered".to_owned(), |id| format!("Agent #{id}"))
}

/// Rows each insights table shows (the CSV has them all).
const TABLE_ROWS: usize = 20;
/// Articles the helpfulness chart draws.
const CHARTED_ARTICLES: usize = 8;
/// Tasks the effort chart draws, the most rated.
const CHARTED_TASKS: usize = 8;

/// "1 Dec 2026" for a day number since the Unix epoch (UTC).
pub fn day_text(day: i64) -> String {
    jiff::Timestamp::from_second(day * 86_400)
        .map(|at| at.to_zoned_datetime(jiff::tz::TimeZone::UTC).strftime("%-d %b %Y").to_string())
        .unwrap_or_else(|_| day.to_string())
}
