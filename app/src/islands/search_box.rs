use crate::wire::{SearchQuery, Suggestions};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use std::time::Duration;

/// How long typing must pause before suggestions are fetched.
const DEBOUNCE: Duration = Duration::from_millis(120);
/// Shorter queries wait for another letter: one or two letters match too much.
const MIN_QUERY_CHARS: usize = 2;
const LISTBOX_ID: &str = "search-suggestions";

/// One entry of the suggestion list: where choosing it goes, and how it reads.
#[derive(Clone, Debug, PartialEq)]
struct Choice {
    href: String,
    /// Escaped HTML (article titles carry `<mark>`).
    label_html: String,
    kind: &'static str,
}

/// The list for one answer: the articles, "did you mean" when not every word
/// matched, and always "see all results", so the list never goes silent.
fn choices(suggestions: &Suggestions) -> Vec<Choice> {
    let mut choices: Vec<Choice> = suggestions
        .hits
        .iter()
        .map(|hit| Choice {
            href: crate::urls::article(&hit.slug),
            label_html: hit.title_html.clone(),
            kind: "suggestion",
        })
        .collect();
    if let Some(spelling) = &suggestions.did_you_mean {
        choices.push(Choice {
            href: SearchQuery::for_text(spelling).href(),
            label_html: format!("Did you mean <strong>{}</strong>?", escape(spelling)),
            kind: "suggestion-did-you-mean",
        });
    }
    let query = suggestions.query.trim();
    choices.push(Choice {
        href: SearchQuery::for_text(query).href(),
        label_html: format!("See all results for “{}”", escape(query)),
        kind: "suggestion-see-all",
    });
    choices
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The search box in every header (on the results page it holds the query). Without
/// JavaScript it is a plain form that opens the results page. With JavaScript it
/// is an ARIA combobox: suggestions appear as you type (debounced; an answer to an
/// older query is dropped): the best articles, even if they match only some words,
/// "did you mean" and always "see all results". Arrow keys move through them, Enter
/// opens one (or the full results page), Escape closes the list. Options hold no
/// links (axe: nested-interactive); choosing one navigates.
///
/// On the home page it stands in the hero instead of the header (`in_hero`), the
/// first thing on a phone's screen.
///
/// Long on purpose: an island's signals, key handling and markup share one scope
/// (Leptos islands cannot take closures from outside), and the markup reads best in
/// one `view!`; the pure parts (`Choice`, `choices`) live outside it.
#[island]
pub fn SearchBox(query: String, in_hero: bool) -> impl IntoView {
    // The attribute for the page as sent (and without JavaScript), the property after.
    let initial = query.clone();
    let query = RwSignal::new(query);
    let listed = RwSignal::new(Vec::<Choice>::new());
    let partial = RwSignal::new(false);
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
            listed.set(Vec::new());
            open.set(false);
            return;
        }
        let handle = set_timeout_with_handle(
            move || {
                leptos::task::spawn_local(async move {
                    let found = suggest(text.clone())
                        .await
                        .unwrap_or_else(|_| Suggestions { query: text, ..Suggestions::default() });
                    if latest_request.get_value() == request {
                        active.set(None);
                        partial.set(found.partial && !found.hits.is_empty());
                        listed.set(choices(&found));
                        open.set(true);
                    }
                });
            },
            DEBOUNCE,
        );
        pending.set_value(handle.ok());
    };

    let go = |href: &str| {
        let _ = window().location().set_href(href);
    };
    let option_id = |index: usize| format!("{LISTBOX_ID}-{index}");
    let on_keydown = move |event: leptos::ev::KeyboardEvent| {
        let count = listed.with(Vec::len);
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
                let chosen = active
                    .get_untracked()
                    .filter(|_| open.get_untracked())
                    .and_then(|i| listed.with_untracked(|listed| listed.get(i).cloned()));
                if let Some(choice) = chosen {
                    event.prevent_default();
                    go(&choice.href);
                }
            }
            "Escape" => {
                if open.get_untracked() {
                    event.prevent_default();
                    open.set(false);
                    active.set(None);
                } else {
                    query.set(String::new());
                    listed.set(Vec::new());
                }
            }
            _ => {}
        }
    };

    view! {
        <form
            class=if in_hero { "header-search hero-search" } else { "header-search" }
            action=crate::urls::SEARCH
            method="get"
            role="search"
            aria-label="Search the Help Centre"
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
                aria-expanded=move || (open.get() && !listed.with(Vec::is_empty)).to_string()
                aria-activedescendant=move || active.get().filter(|_| open.get()).map(option_id)
                value=initial
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
                hidden=move || !open.get() || listed.with(Vec::is_empty)
            >
                {move || {
                    listed.get()
                        .into_iter()
                        .enumerate()
                        .map(|(index, choice)| {
                            let href = choice.href.clone();
                            view! {
                                <li
                                    role="option"
                                    id=option_id(index)
                                    class=choice.kind
                                    aria-selected=move || (active.get() == Some(index)).to_string()
                                    data-testid=choice.kind
                                    data-href=choice.href.clone()
                                    // Before the input's blur closes the list.
                                    on:mousedown=move |event| {
                                        event.prevent_default();
                                        go(&href);
                                    }
                                    inner_html=choice.label_html
                                ></li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <p class="visually-hidden" aria-live="polite">
                {move || if open.get() {
                    let articles = listed.with(|listed| listed.iter().filter(|c| c.kind == "suggestion").count());
                    let some_words = if partial.get() { " matching some of the words" } else { "" };
                    match articles {
                        0 => "No articles match yet. Choose see all results, or press Enter to search.".to_owned(),
                        1 => format!("1 article{some_words}. Use the arrow keys to choose."),
                        n => format!("{n} articles{some_words}. Use the arrow keys to choose."),
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
pub async fn suggest(q: String) -> Result<Suggestions, crate::error::AppError> {
    use crate::backend::{use_search, use_visitor_level};
    Ok(use_search().suggest(use_visitor_level(), &q))
}
