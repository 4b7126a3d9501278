use leptos::prelude::*;
use leptos_meta::Title;

/// Shown for any unknown address, with a real 404 status.
#[component]
pub fn NotFound() -> impl IntoView {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found"/>
        <section class="not-found" data-testid="not-found">
            <h1>"We couldn't find that page"</h1>
            <p>"The link may be old, or the article may have moved."</p>
            <p><a href="/">"Browse all help topics"</a></p>
        </section>
    }
}
