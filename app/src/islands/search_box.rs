use crate::wire::SearchHit;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use std::time::Duration;

/// How long typing must pause before suggestions are fetched.
const DEBOUNCE: Duration = Duration::from_millis(120);
/// Shorter queries wait for another letter: one or two letters match too much.
const MIN_QUERY_CHARS: usize = 2;
const LISTBOX_ID: &str = "search-suggestions";

/// The search box in every header. Without JavaScript it is a plain form that opens
/// the results page. With JavaScript it is an ARIA combobox: results appear as you
/// type (debounced; an answer to an older query is dropped), arrow keys move through
/// them, Enter opens one (or the full results page), Escape closes the list.
#[island]
pub fn SearchBox() -> impl IntoView {
    let query = RwSignal::new(String::new());
    let hits = RwSignal::new(Vec::<SearchHit>::new());
    let open = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);
    let hydrated = super::hydration_marker();
    // Each request gets a number; only the answer to the newest one is shown.
    let latest_request = StoredValue::new(0u64);
    // Not `new_local`: a local value lives in a SendWrapper, which panics when the
    // server's render is dropped on another thread than the one that made it.
    let pending = StoredValue::new(None::<TimeoutHandle>);

    let fetch_suggestions = move |text: String| {
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        latest_request.update_value(|n| *n += 1);
        let request = latest_request.get_value();
        if text.trim().chars().count() < MIN_QUERY_CHARS {
            hits.set(Vec::new());
            open.set(false);
            return;
        }
        let handle = set_timeout_with_handle(
            move || {
                leptos::task::spawn_local(async move {
                    let found = suggest(text).await.unwrap_or_default();
                    if latest_request.get_value() == request {
                        active.set(None);
                        hits.set(found);
                        open.set(true);
                    }
                });
            },
            DEBOUNCE,
        );
        pending.set_value(handle.ok());
    };

    let option_id = |index: usize| format!("{LISTBOX_ID}-{index}");
    let on_keydown = move |event: leptos::ev::KeyboardEvent| {
        let count = hits.with(Vec::len);
        match event.key().as_str() {
            "ArrowDown" if count > 0 => {
                event.prevent_default();
                open.set(true);
                active.update(|active| *active = Some(active.map_or(0, |i| (i + 1) % count)));
            }
            "ArrowUp" if count > 0 => {
                event.prevent_default();
                open.set(true);
                active.update(|active| *active = Some(active.map_or(count - 1, |i| (i + count - 1) % count)));
            }
            "Enter" => {
                if let Some(hit) =
                    active.get_untracked().and_then(|i| hits.with_untracked(|hits| hits.get(i).cloned()))
                {
                    event.prevent_default();
                    let _ = window().location().set_href(&format!("/articles/{}", hit.slug));
                }
            }
            "Escape" => {
                if open.get_untracked() {
                    event.prevent_default();
                    open.set(false);
                    active.set(None);
                } else {
                    query.set(String::new());
                    hits.set(Vec::new());
                }
            }
            _ => {}
        }
    };

    view! {
        <form
            class="header-search"
            action="/search"
            method="get"
            role="search"
            data-testid="search-box"
            data-hydrated=hydrated
        >
            <label class="visually-hidden" for="header-search">"Search the Help Centre"</label>
            <input
                id="header-search"
                type="search"
                name="q"
                placeholder="Search help"
                maxlength="200"
                autocomplete="off"
                role="combobox"
                aria-autocomplete="list"
                aria-controls=LISTBOX_ID
                aria-expanded=move || (open.get() && !hits.with(Vec::is_empty)).to_string()
                aria-activedescendant=move || active.get().map(option_id)
                prop:value=move || query.get()
                on:input=move |event| {
                    let text = event_target_value(&event);
                    query.set(text.clone());
                    fetch_suggestions(text);
                }
                on:keydown=on_keydown
                on:blur=move |_| {
                    // Late enough for a click on a suggestion to land first.
                    set_timeout(move || open.set(false), Duration::from_millis(150));
                }
            />
            <ul
                id=LISTBOX_ID
                role="listbox"
                aria-label="Suggestions"
                class="search-suggestions"
                hidden=move || !open.get() || hits.with(Vec::is_empty)
            >
                {move || {
                    hits.get()
                        .into_iter()
                        .enumerate()
                        .map(|(index, hit)| {
                            view! {
                                <li
                                    role="option"
                                    id=option_id(index)
                                    aria-selected=move || (active.get() == Some(index)).to_string()
                                    data-testid="suggestion"
                                >
                                    <a href=format!("/articles/{}", hit.slug) tabindex="-1" inner_html=hit.title_html></a>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <p class="visually-hidden" aria-live="polite">
                {move || if open.get() {
                    match hits.with(Vec::len) {
                        0 => "No suggestions. Press Enter to search.".to_owned(),
                        1 => "1 suggestion. Use the arrow keys to choose.".to_owned(),
                        n => format!("{n} suggestions. Use the arrow keys to choose."),
                    }
                } else {
                    String::new()
                }}
            </p>
        </form>
    }
}

/// The best few articles for what the visitor has typed so far, with highlighted
/// titles. A GET, so it changes nothing and needs no form token; it is rate-limited
/// with search and never recorded as a search without results.
#[server(endpoint = "suggest", input = GetUrl)]
pub async fn suggest(q: String) -> Result<Vec<SearchHit>, ServerFnError> {
    use crate::backend::{use_backend, use_visitor_level};
    Ok(use_backend().suggest(use_visitor_level(), &q))
}
