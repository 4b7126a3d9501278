use crate::backend::{use_search, use_visitor, use_visitor_level};
use crate::pages::article::ArticleList;
use crate::pages::meta::{Indexing, PageMeta};
use crate::wire::{SearchPage, SearchQuery};
use leptos::prelude::*;
use leptos_meta::Link;
use leptos_router::hooks::use_query_map;
use telepath_domain::{ArticleKind, LEVELS, Level};

const KINDS: [ArticleKind; 4] =
    [ArticleKind::Guide, ArticleKind::Explanation, ArticleKind::Reference, ArticleKind::Troubleshooting];

/// Said when the index cannot answer: 503 with Retry-After, in plain words, and the
/// way on that needs no search.
#[component]
fn SearchUnavailablePage() -> impl IntoView {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::SERVICE_UNAVAILABLE);
        response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from_static("5"));
    }
    view! {
        <PageMeta title="Search is unavailable" description="Search is unavailable, try again in a moment." indexing=Indexing::Never/>
        <h1>"Search is unavailable"</h1>
        <p class="lede" data-testid="search-unavailable">"Search is unavailable, try again in a moment."</p>
        <p><a href="/">"Browse all help topics"</a>" in the meantime: every article is listed there."</p>
    }
}

/// The full results page: complete HTML, filters and pages as links, never a dead
/// end. The search box is the header's (it holds the query here): one box, one
/// search landmark.
#[component]
pub fn SearchResultsPage() -> impl IntoView {
    let query = use_query_map().with_untracked(|params| SearchQuery {
        q: params.get("q").unwrap_or_default(),
        category: params.get("category"),
        level: params.get("level"),
        kind: params.get("kind"),
        page: params.get("page"),
    });
    let Ok(page) = use_search().search(use_visitor(), use_visitor_level(), query) else {
        return SearchUnavailablePage().into_any();
    };
    let title = match (page.query.is_empty(), page.page) {
        (true, _) => "Search".to_owned(),
        (false, 1) => format!("Search: {}", page.query),
        (false, number) => format!("Search: {} (page {number})", page.query),
    };
    crate::backend::record_page_view(telepath_domain::PageType::SearchResults, &title);
    let (description, indexing) = match &page.indexed_as {
        Some(words) => (
            format!(
                "Help articles on “{words}”, the best match first, with filters by topic, level and kind."
            ),
            Indexing::Address(SearchQuery::for_text(words).href()),
        ),
        None => {
            ("Search every help article, with filters by topic, level and kind.".to_owned(), Indexing::Never)
        }
    };
    view! {
        <PageMeta title=title description indexing/>
        <h1>"Search the Help Centre"</h1>
        {page.query.is_empty().then(|| view! {
            <p class="muted" data-testid="search-hint">"Type your question in the search box at the top of the page."</p>
        })}
        {page.was_cut.then(|| view! {
            <p class="note" data-testid="query-cut">
                {format!("Your search was long, so only its first {} characters were used.", page.max_query_chars)}
            </p>
        })}
        {(!page.ignored_filters.is_empty()).then(|| view! {
            <p class="note" data-testid="ignored-filters">
                {format!("Ignored filters that match nothing: {}.", page.ignored_filters.join(", "))}
            </p>
        })}
        {(!page.query.is_empty()).then(|| view! { <Results page/> })}
    }
    .into_any()
}

/// The address of `page`'s search with other filters or another page.
fn search_href(
    page: &SearchPage,
    category: Option<&str>,
    level: Option<Level>,
    kind: Option<ArticleKind>,
    number: usize,
) -> String {
    SearchQuery {
        q: page.query.clone(),
        category: category.map(str::to_owned),
        level: level.map(|level| level.as_str().to_owned()),
        kind: kind.map(|kind| kind.as_str().to_owned()),
        page: Some(number.to_string()),
    }
    .href()
}

/// Long on purpose: the results, filters and pages are one `view!` tree whose order
/// is the order a screen reader reads them; each part is a few lines of it.
#[component]
fn Results(page: SearchPage) -> impl IntoView {
    let searched = page.query.clone();
    let (category, level, kind) = (page.category.clone(), page.level, page.kind);
    // A filter link starts again at page 1.
    let link = |category: Option<&str>, level, kind| search_href(&page, category, level, kind, 1);
    let current = |selected: bool| if selected { "filter current" } else { "filter" };
    let category_links = std::iter::once((None, "Any topic".to_owned()))
        .chain(page.categories.iter().map(|(slug, title)| (Some(slug.clone()), title.clone())))
        .map(|(slug, title)| {
            let href = link(slug.as_deref(), level, kind);
            let class = current(slug == category);
            let count = slug.as_ref().map(|slug| page.counts.categories.get(slug).copied().unwrap_or(0));
            view! { <li><a class=class href=href>{title}</a><FacetCount count/></li> }
        })
        .collect_view();
    let level_links = std::iter::once(None)
        .chain(LEVELS.into_iter().map(Some))
        .map(|option| {
            let href = link(category.as_deref(), option, kind);
            let label = option.map_or("Any level", Level::label);
            let count = option.map(|option| page.counts.levels.get(option.as_str()).copied().unwrap_or(0));
            view! { <li><a class=current(option == level) href=href>{label}</a><FacetCount count/></li> }
        })
        .collect_view();
    let kind_links = std::iter::once(None)
        .chain(KINDS.into_iter().map(Some))
        .map(|option| {
            let href = link(category.as_deref(), level, option);
            let label = option.map_or("Any kind", ArticleKind::label);
            let count = option.map(|option| page.counts.kinds.get(option.as_str()).copied().unwrap_or(0));
            view! { <li><a class=current(option == kind) href=href>{label}</a><FacetCount count/></li> }
        })
        .collect_view();
    let filtered = category.is_some() || level.is_some() || kind.is_some();
    let total = page.total;
    let suggestion = page.did_you_mean.clone().map(|suggestion| {
        let href = SearchQuery::for_text(&suggestion).href();
        view! {
            <p class="did-you-mean" data-testid="did-you-mean">
                "Did you mean "<a href=href><strong>{suggestion}</strong></a>"?"
            </p>
        }
    });
    let pages = (page.pages > 1).then(|| {
        let to = |number: usize| search_href(&page, category.as_deref(), level, kind, number);
        let (previous, next) = (page.page - 1, page.page + 1);
        view! {
            {(page.page > 1).then(|| view! { <Link rel="prev" href=to(previous)/> })}
            {(page.page < page.pages).then(|| view! { <Link rel="next" href=to(next)/> })}
            <nav class="pagination" aria-label="Result pages" data-testid="pagination">
                {(page.page > 1).then(|| view! { <a rel="prev" href=to(previous)>"← Previous"</a> })}
                <ol>
                    {(1..=page.pages).map(|number| if number == page.page {
                        view! { <li><a aria-current="page" href=to(number)>{number}</a></li> }.into_any()
                    } else {
                        view! { <li><a href=to(number)>{number}</a></li> }.into_any()
                    }).collect_view()}
                </ol>
                {(page.page < page.pages).then(|| view! { <a rel="next" href=to(next)>"Next →"</a> })}
            </nav>
        }
    });
    let first_shown = (page.page - 1) * page.per_page + 1;
    let shown = page.hits.len();
    view! {
        {suggestion}
        <div class="search-layout">
            // Before the results in the page, so a phone shows it first; folded
            // there (a <details> needs no JavaScript), always open on wide screens.
            <details class="filters-disclosure" open=filtered data-testid="filters">
                <summary>{if filtered { "Filter (on)" } else { "Filter" }}</summary>
                <nav class="filters" aria-label="Filter results">
                    <h2>"Topic"</h2><ul>{category_links}</ul>
                    <h2>"Written for"</h2><ul>{level_links}</ul>
                    <h2>"Kind"</h2><ul>{kind_links}</ul>
                </nav>
            </details>
            <section class="results" aria-live="polite" aria-label="Results">
                {if page.hits.is_empty() {
                    view! {
                        <div data-testid="no-results">
                            <h2>{format!("No articles match “{}”", page.query)}</h2>
                            <crate::pages::chat::ChatOfferSlot path=crate::backend::use_current_path()/>
                            <p>"Try fewer or simpler words, or one of the articles people read most:"</p>
                            <ArticleList articles=page.popular compact=false/>
                            <p><a href=crate::urls::CHAT>"Or ask our team"</a></p>
                        </div>
                    }
                    .into_any()
                } else {
                    let articles = if total == 1 { "article" } else { "articles" };
                    let range = (page.pages > 1).then(|| {
                        format!(" Showing {first_shown}–{} (page {} of {}).", first_shown + shown - 1, page.page, page.pages)
                    });
                    view! {
                        <p class="muted" data-testid="result-count">
                            {if page.relaxed {
                                format!("No article has every word; {total} {articles} match some of them.")
                            } else {
                                format!("{total} {articles} found.")
                            }}
                            {range}
                        </p>
                        <ol class="hits" data-testid="hits" start=first_shown>
                            {page.hits.into_iter().enumerate().map(|(index, hit)| view! {
                                <li class="hit">
                                    // The query and rank ride along; the article records the click (no script needed).
                                    <a href=crate::urls::search_result(&hit.slug, &searched, first_shown + index) inner_html=hit.title_html></a>
                                    <p inner_html=hit.snippet_html></p>
                                    <p class="meta">
                                        <span class=format!("badge level-{}", hit.level)>{hit.level.label()}</span>
                                        <span class="badge">{hit.kind.label()}</span>
                                    </p>
                                </li>
                            }).collect_view()}
                        </ol>
                        {pages}
                    }
                    .into_any()
                }}
            </section>
        </div>
    }
}

/// How many results a filter value would leave.
#[component]
fn FacetCount(count: Option<usize>) -> impl IntoView {
    count.map(|count| view! { <span class="facet-count">{format!(" ({count})")}</span> })
}
