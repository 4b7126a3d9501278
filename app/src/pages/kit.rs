use crate::backend::{use_content, use_csrf_token, use_visitor_prefs};
use crate::islands::KitChecklist;
use crate::pages::meta::PageMeta;
use crate::pages::not_found::NotFound;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use telepath_domain::Level;

/// A level's five things to know, with how many the visitor has read, and the next
/// step for that level.
#[component]
pub fn KitPage() -> impl IntoView {
    let level = use_params_map().read_untracked().get("level").unwrap_or_default();
    let Some((level, kit)) =
        Level::from_visitor_choice(&level).and_then(|level| use_content().kit(level).map(|kit| (level, kit)))
    else {
        return Either::Left(view! { <NotFound/> });
    };
    crate::backend::record_page_view(telepath_domain::PageType::Kit, &kit.title);
    let progress = use_visitor_prefs().kits;
    let read: Vec<bool> = (0..kit.things.len()).map(|thing| progress.is_read(level, thing)).collect();
    Either::Right(view! {
        <PageMeta title=kit.title.clone() description=kit.intro.clone()/>
        <nav class="breadcrumbs" aria-label="Breadcrumb"><a href="/">"Help Centre"</a></nav>
        <header class="kit-header">
            <p class=format!("badge level-{}", kit.level)>{kit.level.label()}</p>
            <h1>{kit.title}</h1>
            <p class="lede">{kit.intro}</p>
        </header>
        <KitChecklist level things=kit.things read csrf=use_csrf_token()/>
        <p class="next-step">
            <a class="button primary" href=kit.next_step_href data-testid="kit-next-step">
                {format!("Next: {} →", kit.next_step_label)}
            </a>
        </p>
    })
}
