use crate::backend::{
    record_arrival_at_article, record_next_questions_shown, record_page_view, use_content, use_csrf_token,
    use_visitor_prefs,
};
use crate::islands::{ArticleFeedback, NextAnswer};
use crate::pages::meta::PageMeta;
use crate::pages::not_found::NotFound;
use crate::urls::ASK_THE_TEAM;
use crate::wire::{ArticleSummary, TocEntry};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use telepath_domain::PageType;
use telepath_domain::guidance::{offers_help_up_front, order_level_sections};
use telepath_domain::{BodyPart, Level, ListedPage};

#[component]
pub fn ArticlePage() -> impl IntoView {
    let slug = use_params_map().read_untracked().get("slug").unwrap_or_default();
    let backend = use_content();
    let prefs = use_visitor_prefs();
    let level = prefs.level.level();
    let vote = prefs.votes.get(&slug);
    let problems = backend.article_diagnostics(&slug);
    match backend.article(&slug) {
        None => Either::Left(view! { <NotFound/> }),
        Some(article) => Either::Right({
            record_page_view(PageType::Article, &article.title);
            let layout_class =
                if article.toc.is_empty() { "article-layout" } else { "article-layout has-toc" };
            record_arrival_at_article(&article.slug);
            record_next_questions_shown(&article.slug, ListedPage::Article, &article.next_questions);
            view! {
            {(!problems.is_empty()).then(|| view! {
                <aside class="dev-overlay" role="status" data-testid="dev-overlay" aria-labelledby="dev-overlay-heading">
                    <h2 id="dev-overlay-heading">"This article's file has problems"</h2>
                    <p>"Development mode: customers see the last good version and never this box."</p>
                    <crate::pages::editors::DiagnosticList diagnostics=problems/>
                </aside>
            })}
            <PageMeta title=article.title.clone() description=article.summary.clone() kind="article"/>
            <nav class="breadcrumbs" aria-label="Breadcrumb">
                <a href="/">"Help Centre"</a>
                <span aria-hidden="true">" › "</span>
                <a href=crate::urls::category(&article.category_slug)>{article.category_title}</a>
            </nav>
            <article class="article" data-testid="article">
                <header class="article-header">
                    <h1>{article.title}</h1>
                    <p class="lede">{article.summary}</p>
                    <p class="meta">
                        <span class=format!("badge level-{}", article.level)>{article.level.label()}</span>
                        <span class="badge">{article.kind.label()}</span>
                        <span class="muted">"Updated "<time datetime=article.updated.clone()>{article.updated_text.clone()}</time></span>
                    </p>
                    // The article says how it works; its task does it, one step away.
                    {(!article.do_it_now.is_empty()).then(|| view! {
                        <p class="do-it-now" data-testid="do-it-now">
                            {article.do_it_now.into_iter().map(|task| view! {
                                <a class="button primary" href=crate::urls::task(&task.id)>{format!("Do it now: {} →", task.title)}</a>
                            }).collect_view()}
                        </p>
                    })}
                </header>
                // On a wide screen the contents stay beside the text as it scrolls.
                <div class=layout_class>
                    {(!article.toc.is_empty()).then(|| view! { <TableOfContents entries=article.toc/> })}
                    <div class="article-body">
                        {article.body.into_iter().map(|part| view! { <BodyPartView part level/> }).collect_view()}
                    </div>
                </div>
            </article>
            {offers_help_up_front(level).then(|| view! {
                <aside class="callout tip help-up-front" data-testid="help-up-front">
                    <p>
                        "New to this? If any step is unclear, "<a href=ASK_THE_TEAM>"ask our team"</a>
                        ". Tell us which article you're on and we'll walk you through it."
                    </p>
                </aside>
            })}
            <ArticleFeedback
                slug=article.slug
                vote
                next=article
                    .next_questions
                    .iter()
                    .map(|question| NextAnswer { href: question.href(&slug, ListedPage::Article), title: question.title().to_owned() })
                    .collect()
                team_offered=offers_help_up_front(level)
                csrf=use_csrf_token()
            />
            }
        }),
    }
}

/// A list of article links with their summaries and badges.
#[component]
pub fn ArticleList(articles: Vec<ArticleSummary>, compact: bool) -> impl IntoView {
    view! {
        <ul class=if compact { "article-list compact" } else { "article-list" }>
            {articles
                .into_iter()
                .map(|article| {
                    view! {
                        <li>
                            <a href=crate::urls::article(&article.slug)>{article.title}</a>
                            {(!compact).then(|| view! {
                                <p class="muted">{article.summary}</p>
                                <p class="meta">
                                    <span class=format!("badge level-{}", article.level)>{article.level.label()}</span>
                                    <span class="badge">{article.kind.label()}</span>
                                </p>
                            })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

#[component]
fn TableOfContents(entries: Vec<TocEntry>) -> impl IntoView {
    view! {
        <nav class="toc" aria-labelledby="toc-heading" data-testid="toc">
            <h2 id="toc-heading">"On this page"</h2>
            <ol>
                {entries
                    .into_iter()
                    .map(|entry| view! { <li><a href=format!("#{}", entry.id)>{entry.text}</a></li> })
                    .collect_view()}
            </ol>
        </nav>
    }
}

/// Shared text as it is; per-level sections as disclosure widgets (no JavaScript
/// needed), the visitor's level first and open.
#[component]
fn BodyPartView(part: BodyPart, level: Option<Level>) -> impl IntoView {
    match part {
        BodyPart::Shared(html) => Either::Left(view! { <div inner_html=html></div> }),
        BodyPart::ByLevel(mut sections) => Either::Right({
            order_level_sections(level, &mut sections);
            view! {
            <div class="level-sections" data-testid="level-sections">
                {sections
                    .into_iter()
                    .enumerate()
                    .map(|(index, section)| {
                        view! {
                            <details class=format!("level-section level-{}", section.level) open=index == 0>
                                <summary>{section.level.label()}</summary>
                                <div inner_html=section.html></div>
                            </details>
                        }
                    })
                    .collect_view()}
            </div>
            }
        }),
    }
}
