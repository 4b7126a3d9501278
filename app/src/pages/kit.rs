use crate::backend::{use_content, use_csrf_token, use_visitor_prefs};
use crate::islands::{KitChecklist, KitTick};
use crate::pages::meta::PageMeta;
use crate::pages::not_found::NotFound;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use telepath_domain::picture::webp_srcset;
use telepath_domain::{KitThing, Level};

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
        <KitChecklist level read csrf=use_csrf_token()>
            <ol class="kit-things" data-testid="kit-things">
                {kit.things
                    .into_iter()
                    .enumerate()
                    .map(|(index, thing)| view! { <KitThing index thing><KitTick index/></KitThing> })
                    .collect_view()}
            </ol>
        </KitChecklist>
        <p class="next-step">
            <a class="button primary" href=kit.next_step_href data-testid="kit-next-step">
                {format!("Next: {} →", kit.next_step_label)}
            </a>
        </p>
    })
}

/// How wide a kit's pictures show: on a phone, where the picture follows the text, the
/// screen less the page's and the card's padding (4.5rem); on anything wider, the
/// media column beside the text. Saying `100vw` on a phone made it fetch a rendition
/// a step larger than the picture's place on screen needs.
const KIT_PICTURE_SIZES: &str = "(max-width: 48rem) calc(100vw - 4.5rem), 33rem";

/// One thing to know: text, then its picture or short captioned video (never autoplaying).
#[component]
fn KitThing(index: usize, thing: KitThing, children: Children) -> impl IntoView {
    let heading_id = format!("thing-{}", index + 1);
    view! {
        <li class="kit-thing" id=heading_id.clone() aria-labelledby=format!("{heading_id}-title") tabindex="-1">
            <div class="kit-thing-text">
                <h2 id=format!("{heading_id}-title")>
                    <span class="kit-number" aria-hidden="true">{index + 1}</span>
                    {thing.title}
                </h2>
                <div inner_html=thing.body_html></div>
            </div>
            <figure class="kit-media">
                {
                    // The picture, offered in WebP sized for the screen; the first
                    // is fetched at once and ahead of other files.
                    let webp = thing.image.digest.as_ref().zip(thing.image.width).map(|(digest, width)| {
                        webp_srcset(&thing.image.src, digest, width)
                    });
                    let picture = view! {
                        <picture>
                            {webp.map(|srcset| view! {
                                <source type="image/webp" srcset=srcset sizes=KIT_PICTURE_SIZES/>
                            })}
                            <img
                                src=thing.image.src.clone()
                                alt=thing.image.alt.clone()
                                width=thing.image.width
                                height=thing.image.height
                                loading=if index == 0 { "eager" } else { "lazy" }
                                fetchpriority=(index == 0).then_some("high")
                                decoding="async"
                            />
                        </picture>
                    };
                    match thing.video {
                        // The player is made only when asked for: a <video controls> in
                        // the page builds the browser's whole player as it loads, which
                        // on a phone was most of a kit page's main-thread work. Closed,
                        // the thing shows its picture; opened, the video (no script).
                        Some(video) => Either::Left(view! {
                            <details class="kit-video" data-testid="kit-video">
                                <summary>
                                    {picture}
                                    <span class="kit-video-play"><span aria-hidden="true">"▶ "</span>"Play the video"</span>
                                    <span class="kit-video-close">"Close the video"</span>
                                </summary>
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
                                    // Shown only by a browser that cannot play video;
                                    // lazy, so the others never fetch it.
                                    <img src=thing.image.src.clone() alt=thing.image.alt.clone() loading="lazy"/>
                                </video>
                            </details>
                        }),
                        // The picture opens full size: a screenshot's small print on a phone.
                        None => Either::Right(view! {
                            <a class="full-size" href=thing.image.src.clone()>{picture}</a>
                        }),
                    }
                }
            </figure>
            {children()}
        </li>
    }
}
