use crate::pages::meta::{Indexing, PageMeta};
use leptos::prelude::*;

/// Shown for any unknown address, with a real 404 status.
#[component]
pub fn NotFound() -> impl IntoView {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <PageMeta title="Page not found" description="The link may be old, or the article may have moved." indexing=Indexing::Never/>
        <section class="not-found" data-testid="not-found">
            <h1>"We couldn't find that page"</h1>
            <p>"The link may be old, or the article may have moved."</p>
            <form class="not-found-search" method="get" action=crate::urls::SEARCH role="search" aria-label="Search the help centre">
                <label for="not-found-query">"Search for what you were looking for"</label>
                <input id="not-found-query" type="search" name="q" maxlength="200" autocomplete="off"/>
                <button type="submit" class="button primary">"Search"</button>
            </form>
            <p><a href="/">"Browse all help topics"</a></p>
        </section>
    }
}
