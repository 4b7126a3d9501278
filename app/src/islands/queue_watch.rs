//! The console queue, kept current. Without JavaScript the page reloads itself every
//! few seconds (a `<noscript>` refresh) and has a "check for new" link. With it, this
//! island listens to the queue's live feed and reloads the page only when what it
//! shows has changed: a customer started waiting or was taken, a message arrived in
//! one of the agent's conversations.

use crate::wire::QueueDigest;
use leptos::prelude::*;

#[island]
pub fn QueueWatch(digest: QueueDigest) -> impl IntoView {
    let live = RwSignal::new(false);
    let hydrated = super::hydration_marker();
    Effect::new(move |_| browser::watch(digest, live));
    // `data-hydrate="at-once"`: the page loads its bundle straight away (pages/islands.js),
    // since what it shows must change without the agent touching it.
    view! {
        <span class="muted queue-live" data-testid="queue-live" data-hydrated=hydrated data-hydrate="at-once" aria-live="polite">
            {move || live.get().then_some("Updates by itself")}
        </span>
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    use crate::wire::QueueDigest;
    use leptos::prelude::RwSignal;

    pub fn watch(_shown: QueueDigest, _live: RwSignal<bool>) {}
}

#[cfg(feature = "hydrate")]
mod browser {
    use crate::urls::CONSOLE_QUEUE_SOCKET;
    use crate::wire::QueueDigest;
    use leptos::prelude::*;
    use leptos::wasm_bindgen::JsCast;
    use leptos::wasm_bindgen::closure::Closure;
    use std::time::Duration;
    use web_sys::{MessageEvent, WebSocket};

    /// Listens to the feed; a digest other than the page's reloads the page. A lost
    /// feed is tried again after 1 s, 2 s, 4 s… up to 30 s, with jitter.
    pub fn watch(shown: QueueDigest, live: RwSignal<bool>) {
        connect(shown, live, 0);
    }

    fn connect(shown: QueueDigest, live: RwSignal<bool>, failures: u32) {
        let Some(window) = web_sys::window() else { return };
        let location = window.location();
        let scheme = if location.protocol().as_deref() == Ok("https:") { "wss" } else { "ws" };
        let host = location.host().unwrap_or_default();
        let Ok(socket) = WebSocket::new(&format!("{scheme}://{host}{CONSOLE_QUEUE_SOCKET}")) else { return };
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let digest =
                event.data().as_string().and_then(|text| serde_json::from_str::<QueueDigest>(&text).ok());
            match digest {
                Some(digest) if digest != shown => {
                    let _ = web_sys::window().map(|window| window.location().reload());
                }
                Some(_) => live.set(true),
                None => {}
            }
        });
        let on_close = Closure::<dyn FnMut()>::new(move || {
            // A feed that worked starts the waits over.
            let failures = if live.get_untracked() { 0 } else { failures };
            live.set(false);
            let seconds = f64::from(1u32 << failures.min(5)).min(30.0);
            let wait = seconds * (0.75 + js_sys::Math::random() / 2.0);
            set_timeout(move || connect(shown, live, failures + 1), Duration::from_secs_f64(wait));
        });
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        on_message.forget();
        on_close.forget();
    }
}
