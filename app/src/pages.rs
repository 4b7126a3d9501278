//! Server-rendered pages. They run only on the server; interactivity lives in `islands`.

mod article;
mod category;
mod editors;
mod home;
mod kit;
mod layout;
mod not_found;
mod notices;
mod search;
mod task;

use leptos::prelude::*;
use leptos_meta::{MetaTags, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

use article::ArticlePage;
use category::CategoryPage;
use editors::EditorsPage;
use home::HomePage;
use kit::KitPage;
use layout::Layout;
use not_found::NotFound;
use notices::NoticesPage;
use search::SearchResultsPage;
use task::{MistakesPage, TaskPage, TaskSentPage};

/// The HTML document around every page. The nonce the server chose for this response
/// (if any) is handed to Leptos so its one inline module script passes the CSP.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    if let Some(nonce) = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<leptos::nonce::Nonce>().cloned())
    {
        provide_context(nonce);
    }
    let stylesheet = format!("/{}/telepath.css", options.site_pkg_dir);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="data:,"/>
                <link rel="stylesheet" href=stylesheet/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/categories/:category") view=CategoryPage ssr=SsrMode::Async/>
                    <Route path=path!("/articles/:slug") view=ArticlePage ssr=SsrMode::Async/>
                    <Route path=path!("/editors") view=EditorsPage ssr=SsrMode::Async/>
                    <Route path=path!("/kits/:level") view=KitPage ssr=SsrMode::Async/>
                    <Route path=path!("/tasks/:task") view=TaskPage ssr=SsrMode::Async/>
                    <Route path=path!("/tasks/:task/sent/:reference") view=TaskSentPage ssr=SsrMode::Async/>
                    <Route path=path!("/mistakes/:task") view=MistakesPage ssr=SsrMode::Async/>
                    <Route path=path!("/notices") view=NoticesPage ssr=SsrMode::Async/>
                    <Route path=path!("/search") view=SearchResultsPage ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}
