use crate::backend::{use_content, use_visitor_level};
use crate::pages::meta::PageMeta;
use crate::pages::{article::ArticleList, not_found::NotFound};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use telepath_domain::guidance::order_articles;

#[component]
pub fn CategoryPage() -> impl IntoView {
    let slug = use_params_map().read_untracked().get("category").unwrap_or_default();
    match use_content().category(&slug) {
        None => Either::Left(view! { <NotFound/> }),
        Some(mut category) => Either::Right({
            order_articles(use_visitor_level(), &mut category.articles);
            crate::backend::record_page_view(telepath_domain::PageType::Category, &category.title);
            view! {
            <PageMeta title=category.title.clone() description=category.description.clone()/>
            <nav class="breadcrumbs" aria-label="Breadcrumb">
                <a href="/">"Help Centre"</a>
            </nav>
            <h1>{category.title}</h1>
            <p class="lede">{category.description}</p>
            <ArticleList articles=category.articles compact=false/>
            }
        }),
    }
}
