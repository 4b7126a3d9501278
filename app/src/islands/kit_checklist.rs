use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use telepath_domain::Level;

/// What a kit's "Got it" buttons share with its progress: which things are read, and
/// whether a save failed. The checklist provides it; each tick, an island inside the
/// checklist's server-rendered children, takes it as context.
#[derive(Clone)]
struct KitTicks {
    level: Level,
    read: RwSignal<Vec<bool>>,
    failed: RwSignal<bool>,
    csrf: String,
}

/// A welcome kit's progress around its things (the server's HTML, passed as
/// children, never sent again as island props), each with a [`KitTick`]. Without
/// JavaScript each tick is a form that comes back to the next thing; with JavaScript
/// it is saved in the background and the count moves at once.
#[island]
pub fn KitChecklist(level: Level, read: Vec<bool>, csrf: String, children: Children) -> impl IntoView {
    let total = read.len();
    let ticks = KitTicks { level, read: RwSignal::new(read), failed: RwSignal::new(false), csrf };
    let (read, failed) = (ticks.read, ticks.failed);
    let done_count = move || ticks_done(read);
    provide_context(ticks);
    let hydrated = super::hydration_marker();

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
            {children()}
        </div>
    }
}

/// How many of the kit's things are read.
fn ticks_done(read: RwSignal<Vec<bool>>) -> usize {
    read.with(|read| read.iter().filter(|done| **done).count())
}

/// The "Got it" of a kit's thing `index` (from 0), inside a [`KitChecklist`].
#[island]
pub fn KitTick(index: usize) -> impl IntoView {
    let KitTicks { level, read, failed, csrf } = expect_context::<KitTicks>();
    let total = read.with_untracked(Vec::len);
    let is_read = move || read.with(|read| read.get(index).copied().unwrap_or(false));
    let call_csrf = csrf.clone();
    let toggle = move |event: leptos::ev::MouseEvent| {
        event.prevent_default();
        let now_read = !is_read();
        read.update(|read| {
            if let Some(done) = read.get_mut(index) {
                *done = now_read
            }
        });
        if now_read {
            move_on_to(&if ticks_done(read) == total {
                "kit-progress".to_owned()
            } else {
                format!("thing-{}", (index + 2).min(total))
            });
        }
        let csrf = call_csrf.clone();
        leptos::task::spawn_local(async move {
            if mark_kit_thing(level.to_string(), index, now_read, csrf).await.is_err() {
                read.update(|read| {
                    if let Some(done) = read.get_mut(index) {
                        *done = !now_read
                    }
                });
                failed.set(true);
            }
        });
    };
    view! {
        <form method="post" action=MarkKitThing::PATH class="kit-tick">
            <input type="hidden" name="_csrf" value=csrf/>
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
