use crate::backend::{use_content, use_csrf_token, use_visitor_prefs};
use crate::islands::{LevelQuestion, SearchBox};
use crate::pages::article::ArticleList;
use crate::pages::meta::PageMeta;
use crate::visitor::{KitProgress, LevelAnswer};
use leptos::either::EitherOf3;
use leptos::prelude::*;
use telepath_domain::guidance::{order_articles, order_categories};
use telepath_domain::{KIT_THINGS, Level};

/// How many popular articles the home page lists.
const POPULAR_ON_HOME: usize = 5;
/// Links each topic card lists; a phone shows fewer (the stylesheet hides the rest).
const TOP_LINKS: usize = 5;
/// Keep in step with `.category-card .article-list li:nth-child(n + 4)` in telepath.css.
const TOP_LINKS_ON_A_PHONE: usize = 3;

#[component]
pub fn HomePage() -> impl IntoView {
    let backend = use_content();
    let site = backend.site();
    let prefs = use_visitor_prefs();
    let level = prefs.level.level();
    let mut categories = backend.categories();
    order_categories(level, &mut categories);
    let mut popular = backend.popular_articles();
    order_articles(level, &mut popular);
    popular.truncate(POPULAR_ON_HOME);
    let popular_heading = match level {
        Some(level) => format!("Popular with people like you ({})", level.label().to_lowercase()),
        None => "Popular right now".to_owned(),
    };
    let tasks = backend.tasks();
    view! {
        <PageMeta title=site.help_centre_name() description=site.tagline.clone()/>
        <section class="hero">
            <h1>{format!("How can we help with {}?", site.product_name)}</h1>
            <p class="lede">{site.tagline}</p>
            <SearchBox query=String::new() in_hero=true/>
        </section>
        {match prefs.level {
            LevelAnswer::NotAsked => EitherOf3::A(view! {
                <LevelQuestion question=site.level_question levels=site.levels csrf=use_csrf_token()/>
            }),
            LevelAnswer::Chosen(level) => EitherOf3::B(view! { <YourKit level progress=prefs.kits/> }),
            LevelAnswer::Skipped => EitherOf3::C(()),
        }}
        {(!popular.is_empty()).then(|| view! {
            <section aria-labelledby="popular-heading" data-testid="popular">
                <h2 id="popular-heading" class="section-title">{popular_heading}</h2>
                <ArticleList articles=popular compact=false/>
            </section>
        })}
        {(!tasks.is_empty()).then(|| view! {
            <h2 class="section-title">"Do it yourself"</h2>
            <ul class="article-list" data-testid="tasks">
                {tasks.into_iter().map(|task| view! {
                    <li>
                        <a href=crate::urls::task(&task.id)>{task.title}</a>
                        <p class="muted">{task.summary}</p>
                    </li>
                }).collect_view()}
            </ul>
        })}
        <h2 class="section-title">"Browse help topics"</h2>
        <div class="category-grid">
            {categories
                .into_iter()
                .map(|category| {
                    let href = crate::urls::category(&category.slug);
                    let total = category.articles.len();
                    let shown: Vec<_> = category.articles.iter().take(TOP_LINKS).cloned().collect();
                    view! {
                        <section class="category-card" data-testid="category" data-category=category.slug.clone()>
                            <h2><a href=href.clone()>{category.title}</a></h2>
                            <p class="muted">{category.description}</p>
                            <ArticleList articles=shown compact=true/>
                            // A phone shows the top three links, so the way to the rest
                            // is there whenever a phone hides some.
                            {(total > TOP_LINKS_ON_A_PHONE).then(|| view! {
                                <a class="more" href=href>{format!("All {total} articles →")}</a>
                            })}
                        </section>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// For a visitor who chose a level: their welcome kit and how far they got.
#[component]
fn YourKit(level: Level, progress: KitProgress) -> impl IntoView {
    let read = progress.read_count(level);
    let status = if progress.is_finished(level) {
        "Finished ✓".to_owned()
    } else if read == 0 {
        "Five things to know, a minute each".to_owned()
    } else {
        format!("{read} of {KIT_THINGS} read")
    };
    view! {
        <section class="your-kit" data-testid="your-kit" aria-labelledby="your-kit-heading">
            <h2 id="your-kit-heading" class="section-title">"Welcome back"</h2>
            <a class="start-card" href=crate::urls::kit(level) data-testid="your-kit-link">
                <strong>{format!("Your welcome kit ({})", level.label().to_lowercase())}</strong>
                <span data-testid="your-kit-status">{status}</span>
            </a>
        </section>
    }
}
