use crate::backend::use_backend;
use crate::pages::article::ArticleList;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let backend = use_backend();
    let site = backend.site();
    let categories = backend.categories();
    view! {
        <Title text=format!("{} Help Centre", site.product_name)/>
        <section class="hero">
            <h1>{format!("How can we help with {}?", site.product_name)}</h1>
            <p class="lede">{site.tagline}</p>
        </section>
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
