use crate::backend::use_backend;
use crate::pages::article::ArticleList;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let backend = use_backend();
    let site = backend.site();
    let categories = backend.categories();
    let tasks = backend.tasks();
    view! {
        <Title text=format!("{} Help Centre", site.product_name)/>
        <section class="hero">
            <h1>{format!("How can we help with {}?", site.product_name)}</h1>
            <p class="lede">{site.tagline}</p>
        </section>
        <h2 class="section-title">{site.level_question}</h2>
        <div class="start-here" data-testid="start-here">
            {site
                .levels
                .into_iter()
                .map(|wording| view! {
                    <a class="start-card" href=format!("/kits/{}", wording.level)>
                        <strong>{wording.choice}</strong>
                        {wording.description}
                    </a>
                })
                .collect_view()}
        </div>
        {(!tasks.is_empty()).then(|| view! {
            <h2 class="section-title">"Do it yourself"</h2>
            <ul class="article-list" data-testid="tasks">
                {tasks.into_iter().map(|task| view! {
                    <li>
                        <a href=format!("/tasks/{}", task.id)>{task.title}</a>
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
                    let href = format!("/categories/{}", category.slug);
                    let shown: Vec<_> = category.articles.iter().take(5).cloned().collect();
                    let more = category.articles.len().saturating_sub(shown.len());
                    view! {
                        <section class="category-card" data-testid="category">
                            <h2><a href=href.clone()>{category.title}</a></h2>
                            <p class="muted">{category.description}</p>
                            <ArticleList articles=shown compact=true/>
                            {(more > 0)
                                .then(|| {
                                    view! {
                                        <a class="more" href=href>
                                            {format!("All {} articles →", more + 5)}
                                        </a>
                                    }
                                })}
                        </section>
                    }
                })
                .collect_view()}
        </div>
    }
}
