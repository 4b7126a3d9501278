use crate::backend::{use_backend, use_visitor, use_visitor_level};
use crate::pages::article::ArticleList;
use crate::wire::{ArticleKind, LEVELS, Level, SearchPage, SearchQuery};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const KINDS: [ArticleKind; 4] =
    [ArticleKind::Guide, ArticleKind::Explanation, ArticleKind::Reference, ArticleKind::Troubleshooting];

/// The full results page: complete HTML, filters as links, never a dead end.
#[component]
pub fn SearchResultsPage() -> impl IntoView {
    let query = use_query_map().with_untracked(|params| SearchQuery {
        q: params.get("q").unwrap_or_default(),
        category: params.get("category"),
        level: params.get("level"),
        kind: params.get("kind"),
    });
    let page = use_backend().search(use_visitor(), use_visitor_level(), query);
    let title = if page.query.is_empty() { "Search".to_owned() } else { format!("Search: {}", page.query) };
    crate::backend::record_page_view(crate::events::PageType::SearchResults, &title);
    view! {
        <Title text=title/>
        <h1>"Search the Help Centre"</h1>
        <SearchBox query=page.query.clone() autofocus=page.query.is_empty()/>
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
}

/// The search form; without JavaScript it is the whole search experience.
#[component]
pub fn SearchBox(query: String, #[prop(optional)] autofocus: bool) -> impl IntoView {
    view! {
        <form class="search-box" action="/search" method="get" role="search">
            <label class="visually-hidden" for="search-input">"Search the Help Centre"</label>
            <input
                id="search-input"
                type="search"
                name="q"
                value=query
                placeholder="Search, e.g. when will I get paid"
                autocomplete="off"
                autofocus=autofocus
                maxlength="200"
            />
            <button type="submit">"Search"</button>
        </form>
    }
}

#[component]
fn Results(page: SearchPage) -> impl IntoView {
    let searched = page.query.clone();
    let link = {
        let page = page.clone();
        move |category: Option<&str>, level: Option<Level>, kind: Option<ArticleKind>| {
            let mut href = format!("/search?q={}", encode(&page.query));
            for (name, value) in [
                ("category", category.map(str::to_owned)),
                ("level", level.map(|l| l.as_str().to_owned())),
                ("kind", kind.map(|k| k.as_str().to_owned())),
            ] {
                if let Some(value) = value {
                    href.push_str(&format!("&{name}={}", encode(&value)));
                }
            }
            href
        }
    };
    let (category, level, kind) = (page.category.clone(), page.level, page.kind);
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
    let count = page.hits.len();
    let suggestion = page.did_you_mean.clone().map(|suggestion| {
        let href = format!("/search?q={}", encode(&suggestion));
        view! {
            <p class="did-you-mean" data-testid="did-you-mean">
                "Did you mean "<a href=href><strong>{suggestion}</strong></a>"?"
            </p>
        }
    });
    view! {
        {suggestion}
        <div class="search-layout">
            <nav class="filters" aria-label="Filter results">
                <h2>"Topic"</h2><ul>{category_links}</ul>
                <h2>"Written for"</h2><ul>{level_links}</ul>
                <h2>"Kind"</h2><ul>{kind_links}</ul>
            </nav>
            <section class="results" aria-live="polite">
                {if page.hits.is_empty() {
                    view! {
                        <div data-testid="no-results">
                            <h2>{format!("No articles match “{}”", page.query)}</h2>
                            <p>"Try fewer or simpler words, or one of the articles people read most:"</p>
                            <ArticleList articles=page.popular compact=false/>
                            <p><a href=crate::guidance::ASK_THE_TEAM_PATH>"Or ask our team"</a></p>
                        </div>
                    }
                    .into_any()
                } else {
                    view! {
                        <p class="muted" data-testid="result-count">
                            {if page.relaxed {
                                format!("No article has every word; {count} match some of them.")
                            } else {
                                format!("{count} {} found.", if count == 1 { "article" } else { "articles" })
                            }}
                        </p>
                        <ol class="hits" data-testid="hits">
                            {page.hits.into_iter().enumerate().map(|(index, hit)| view! {
                                <li class="hit">
                                    // The query and rank ride along; the article records the click (no script needed).
                                    <a href=format!("/articles/{}?q={}&rank={}", hit.slug, encode(&searched), index + 1) inner_html=hit.title_html></a>
                                    <p inner_html=hit.snippet_html></p>
                                    <p class="meta">
                                        <span class=format!("badge level-{}", hit.level)>{hit.level.label()}</span>
                                        <span class="badge">{hit.kind.label()}</span>
                                    </p>
                                </li>
                            }).collect_view()}
                        </ol>
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

/// Percent-encodes a query-string value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(byte).to_string()
            }
            b' ' => "+".to_owned(),
            other => format!("%{other:02X}"),
        })
        .collect()
}
