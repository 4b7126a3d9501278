use crate::backend::use_backend;
use crate::pages::not_found::NotFound;
use crate::wire::{KitThingView, Level};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// A level's five things to know: text, a picture and, where there is one, a short
/// captioned video that never plays by itself.
#[component]
pub fn KitPage() -> impl IntoView {
    let level = use_params_map().read_untracked().get("level").unwrap_or_default();
    let kit = Level::from_visitor_choice(&level).and_then(|level| use_backend().kit(level));
    match kit {
        None => Either::Left(view! { <NotFound/> }),
        Some(kit) => Either::Right(view! {
            <Title text=kit.title.clone()/>
            <nav class="breadcrumbs" aria-label="Breadcrumb"><a href="/">"Help Centre"</a></nav>
            <header class="kit-header">
                <p class=format!("badge level-{}", kit.level)>{kit.level.label()}</p>
                <h1>{kit.title}</h1>
                <p class="lede">{kit.intro}</p>
            </header>
            <ol class="kit-things" data-testid="kit-things">
                {kit.things.into_iter().enumerate().map(|(index, thing)| view! { <KitThing index thing/> }).collect_view()}
            </ol>
            <p class="next-step">
                <a class="button primary" href=kit.next_step_href>{format!("Next: {} →", kit.next_step_label)}</a>
            </p>
        }),
    }
}

#[component]
fn KitThing(index: usize, thing: KitThingView) -> impl IntoView {
    let heading_id = format!("thing-{}", index + 1);
    let labelled_by = heading_id.clone();
    view! {
        <li class="kit-thing" aria-labelledby=labelled_by>
            <div class="kit-thing-text">
                <h2 id=heading_id>
                    <span class="kit-number" aria-hidden="true">{index + 1}</span>
                    {thing.title}
                </h2>
                <div inner_html=thing.body_html></div>
            </div>
            <figure class="kit-media">
                {match thing.video {
                    Some(video) => Either::Left(view! {
                        <video
                            controls
                            preload="none"
                            playsinline
                            poster=video.poster
                            width=thing.image.width
                            height=thing.image.height
                            aria-label=thing.image.alt.clone()
                        >
                            <source src=video.src type="video/mp4"/>
                            {video.captions.map(|captions| view! {
                                <track kind="captions" srclang="en" label="English" src=captions default/>
                            })}
                            <img src=thing.image.src.clone() alt=thing.image.alt.clone()/>
                        </video>
                    }),
                    None => Either::Right(view! {
                        <img
                            src=thing.image.src
                            alt=thing.image.alt
                            width=thing.image.width
                            height=thing.image.height
                            loading=if index == 0 { "eager" } else { "lazy" }
                            decoding="async"
                        />
                    }),
                }}
            </figure>
        </li>
    }
}
