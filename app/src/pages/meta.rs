use crate::backend::{use_current_path, use_site_origin};
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};

/// What a page tells a browser tab, a search engine and a link preview: its title
/// (the help centre's name is added by the root title formatter), a description of
/// what the page answers, and the same two as Open Graph tags for chat apps and
/// social sites, and the page's one canonical address (the path without its query,
/// on the portal's public origin). Every page has one, so none is indexed without a
/// description.
#[component]
pub fn PageMeta(
    #[prop(into)] title: String,
    #[prop(into)] description: String,
    /// "article" for help articles, "website" for everything else.
    #[prop(default = "website")]
    kind: &'static str,
    /// False for pages that are not a place of their own (the 404 page).
    #[prop(default = true)]
    canonical: bool,
) -> impl IntoView {
    let site_name = crate::backend::use_content().site().help_centre_name();
    let address = canonical
        .then(|| {
            let path = use_current_path();
            let path = path.split(['?', '#']).next().unwrap_or("/").to_owned();
            use_site_origin().map(|origin| format!("{origin}{path}"))
        })
        .flatten();
    view! {
        {address.map(|address| view! {
            <Link rel="canonical" href=address.clone()/>
            <Meta property="og:url" content=address/>
        })}
        <Title text=title.clone()/>
        <Meta name="description" content=description.clone()/>
        <Meta property="og:title" content=title/>
        <Meta property="og:description" content=description/>
        <Meta property="og:type" content=kind/>
        <Meta property="og:site_name" content=site_name/>
        <Meta name="twitter:card" content="summary"/>
    }
}
