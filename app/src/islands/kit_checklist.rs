use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use telepath_domain::picture::webp_srcset;
use telepath_domain::{KitThing, Level};

/// How wide a kit's pictures show: on a phone, where the picture follows the text, the
/// screen less the page's and the card's padding (4.5rem); on anything wider, the
/// media column beside the text. Saying `100vw` on a phone made it fetch a rendition
/// a step larger than the picture's place on screen needs.
const KIT_PICTURE_SIZES: &str = "(max-width: 48rem) calc(100vw - 4.5rem), 33rem";

/// A welcome kit's five things, each with a "Got it" the visitor can tick, and how
/// many are done. Without JavaScript each tick is a form that comes back to the next
/// thing; with JavaScript it is saved in the background and the count moves at once.
#[island]
pub fn KitChecklist(level: Level, things: Vec<KitThing>, read: Vec<bool>, csrf: String) -> impl IntoView {
    let total = things.len();
    let read = RwSignal::new(read);
    let failed = RwSignal::new(false);
    let hydrated = super::hydration_marker();
    let done_count = move || read.with(|read| read.iter().filter(|done| **done).count());

    view! {
        <div
            class="kit-checklist"
            data-testid="kit-checklist"
            data-hydrated=hydrated
        >
            <div class="kit-progress" id="kit-progress" aria-live="polite" tabindex="-1">
                <progress max=total value=done_count aria-label="Things read"></progress>
                <p data-testid="kit-progress">
                    {move || if done_count() == total {
                        "Kit finished: you know the five things. 🎉".to_owned()
                    } else {
                        format!("{} of {total} read", done_count())
                    }}
                </p>
            </div>
            {move || failed.get().then(|| view! {
                <p class="error" role="alert">"We couldn't save that. Please try again."</p>
            })}
            <ol class="kit-things" data-testid="kit-things">
                {things
                    .into_iter()
                    .enumerate()
                    .map(|(index, thing)| {
                        let is_read = move || read.with(|read| read.get(index).copied().unwrap_or(false));
                        let form_csrf = csrf.clone();
                        let call_csrf = csrf.clone();
                        let toggle = move |event: leptos::ev::MouseEvent| {
                            event.prevent_default();
                            let now_read = !is_read();
                            read.update(|read| if let Some(done) = read.get_mut(index) { *done = now_read });
                            if now_read {
                                move_on_to(&if done_count() == total {
                                    "kit-progress".to_owned()
                                } else {
                                    format!("thing-{}", (index + 2).min(total))
                                });
                            }
                            let csrf = call_csrf.clone();
                            leptos::task::spawn_local(async move {
                                if mark_kit_thing(level.to_string(), index, now_read, csrf).await.is_err() {
                                    read.update(|read| if let Some(done) = read.get_mut(index) { *done = !now_read });
                                    failed.set(true);
                                }
                            });
                        };
                        view! {
                            <KitThing index thing>
                                <form method="post" action=MarkKitThing::PATH class="kit-tick">
                                    <input type="hidden" name="_csrf" value=form_csrf/>
                                    <input type="hidden" name="level" value=level.to_string()/>
                                    <input type="hidden" name="thing" value=index.to_string()/>
                                    <input type="hidden" name="read" value=move || (!is_read()).to_string()/>
                                    <button
                                        type="submit"
                                        class=move || if is_read() { "tick done" } else { "tick" }
                                        aria-pressed=move || is_read().to_string()
                                        data-testid=format!("tick-{}", index + 1)
                                        on:click=toggle
                                    >
                                        {move || if is_read() { "✓ Got it" } else { "Got it" }}
                                    </button>
                                </form>
                            </KitThing>
                        }
                    })
                    .collect_view()}
            </ol>
        </div>
    }
}

/// After a "Got it", on to the next thing, or to the progress once the kit is
/// finished: where the plain form's redirect lands (`#thing-N`, `#kit-progress`).
/// Focus moves there too, so keyboard and screen reader users carry on from it.
fn move_on_to(id: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(element) = document().get_element_by_id(id) {
        use leptos::wasm_bindgen::JsCast;
        let element = element.unchecked_into::<web_sys::HtmlElement>();
        element.scroll_into_view();
        let _ = element.focus();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

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

/// Marks one of a kit's things as read (or not). A plain form post comes back to
/// the next thing on the kit page. `_csrf` is checked by the server's middleware.
#[server(endpoint = "kit-progress")]
pub async fn mark_kit_thing(
    level: String,
    thing: usize,
    read: bool,
    _csrf: String,
) -> Result<(), crate::error::AppError> {
    use crate::backend::{redirect_after_form, set_cookie, use_visitor_prefs};
    use telepath_domain::KIT_THINGS;

    // A forged level or thing changes nothing and is no error: there is nothing to mark.
    let Some(level) = Level::from_visitor_choice(&level).filter(|_| thing < KIT_THINGS) else {
        redirect_after_form("/");
        return Ok(());
    };
    let progress = use_visitor_prefs().kits.with(level, thing, read);
    set_cookie(&progress.set_cookie());
    let anchor = if progress.is_finished(level) {
        "kit-progress".to_owned()
    } else {
        format!("thing-{}", (thing + 2).min(KIT_THINGS))
    };
    redirect_after_form(&format!("{}#{anchor}", crate::urls::kit(level)));
    Ok(())
}
