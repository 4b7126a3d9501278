use crate::backend::{use_current_path, use_site_origin};
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};

/// Whether a search engine may index a page, and under which address.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Indexing {
    /// Indexed under its path without the query: the query only says where the
    /// visitor came from.
    #[default]
    Path,
    /// Indexed under this address (path and query, e.g. `/search?q=invoice`): the
    /// query is what the page is about.
    Address(String),
    /// Not a place of its own (the 404 page), per visitor (a request), or for staff:
    /// `noindex`, and no canonical address.
    Never,
}

/// What a page tells a browser tab, a search engine and a link preview: its title
/// (the help centre's name is added by the root title formatter), a description of
/// what the page answers, and the same two as Open Graph tags for chat apps and
/// social sites, and either the page's one canonical address (on the portal's
/// public origin) or `noindex`. Every page has one, so none is indexed without a
/// description.
#[component]
pub fn PageMeta(
    #[prop(into)] title: String,
    #[prop(into)] description: String,
    /// "article" for help articles, "website" for everything else.
    #[prop(default = "website")]
    kind: &'static str,
    #[prop(optional)] indexing: Indexing,
) -> impl IntoView {
    let site_name = crate::backend::use_content().site().help_centre_name();
    let address = match &indexing {
        Indexing::Path => {
            let path = use_current_path();
            Some(path.split(['?', '#']).next().unwrap_or("/").to_owned())
        }
        Indexing::Address(address) => Some(address.clone()),
        Indexing::Never => None,
    }
    .and_then(|path| use_site_origin().map(|origin| format!("{origin}{path}")));
    view! {
        {address.map(|address| view! {
            <Link rel="canonical" href=address.clone()/>
            <Meta property="og:url" content=address/>
        })}
        {(indexing == Indexing::Never).then(|| view! { <Meta name="robots" content="noindex"/> })}
        <Title text=title.clone()/>
        <Meta name="description" content=description.clone()/>
        <Meta property="og:title" content=title/>
        <Meta property="og:description" content=description/>
        <Meta property="og:type" content=kind/>
        <Meta property="og:site_name" content=site_name/>
        <Meta name="twitter:card" content="summary"/>
    }
}
