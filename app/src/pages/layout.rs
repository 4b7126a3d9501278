use crate::backend::use_backend;
use leptos::prelude::*;

/// Header, main landmark and footer shared by every page.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let site = use_backend().site();
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                {format!("{} Help Centre", site.product_name)}
            </a>
            <form class="header-search" action="/search" method="get" role="search">
                <label class="visually-hidden" for="header-search">"Search the Help Centre"</label>
                <input id="header-search" type="search" name="q" placeholder="Search help" maxlength="200"/>
            </form>
            <nav class="site-nav" aria-label="Main">
                <a href="/notices">"Service notices"</a>
            </nav>
        </header>
        <main id="main" class="page">{children()}</main>
        <footer class="site-footer">
            <p>{format!("Support team: {}.", site.support_hours)}</p>
        </footer>
    }
}
