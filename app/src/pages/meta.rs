use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// What a page tells a browser tab, a search engine and a link preview: its title
/// (the help centre's name is added by the root title formatter), a description of
/// what the page answers, and the same two as Open Graph tags for chat apps and
/// social sites. Every page has one, so none is indexed without a description.
#[component]
pub fn PageMeta(
    #[prop(into)] title: String,
    #[prop(into)] description: String,
    /// "article" for help articles, "website" for everything else.
    #[prop(default = "website")]
    kind: &'static str,
) -> impl IntoView {
    let site_name = format!("{} Help Centre", crate::backend::use_backend().site().product_name);
    view! {
        <Title text=title.clone()/>
        <Meta name="description" content=description.clone()/>
        <Meta property="og:title" content=title/>
        <Meta property="og:description" content=description/>
        <Meta property="og:type" content=kind/>
        <Meta property="og:site_name" content=site_name/>
        <Meta name="twitter:card" content="summary"/>
    }
}
