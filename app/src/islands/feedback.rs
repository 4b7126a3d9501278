use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// "Was this helpful?" under every article. Without JavaScript it is a plain form
/// that posts to the server function and comes back to the article; with JavaScript
/// the answer is sent in the background and thanked in place.
#[island]
pub fn ArticleFeedback(slug: String, answered: Option<bool>, csrf: String) -> impl IntoView {
    let answer = RwSignal::new(answered);
    let failed = RwSignal::new(false);
    let hydrated = super::hydration_marker();

    let send = {
        let (slug, csrf) = (slug.clone(), csrf.clone());
        move |helpful: bool| {
            let (slug, csrf) = (slug.clone(), csrf.clone());
            answer.set(Some(helpful));
            leptos::task::spawn_local(async move {
                failed.set(record_feedback(slug, helpful, csrf).await.is_err());
            });
        }
    };
    let send_yes = send.clone();
    let send_no = send;

    view! {
        <section
            id="feedback"
            class="feedback"
            data-testid="feedback"
            data-hydrated=hydrated
            aria-live="polite"
        >
            {move || match answer.get() {
                None => view! {
                    <form method="post" action=RecordFeedback::PATH class="feedback-form">
                        <input type="hidden" name="_csrf" value=csrf.clone()/>
                        <input type="hidden" name="slug" value=slug.clone()/>
                        <span class="feedback-question">"Was this article helpful?"</span>
                        <button
                            type="submit"
                            name="helpful"
                            value="true"
                            data-testid="feedback-yes"
                            on:click={
                                let send = send_yes.clone();
                                move |ev| {
                                    ev.prevent_default();
                                    send(true);
                                }
                            }
                        >
                            "Yes"
                        </button>
                        <button
                            type="submit"
                            name="helpful"
                            value="false"
                            data-testid="feedback-no"
                            on:click={
                                let send = send_no.clone();
                                move |ev| {
                                    ev.prevent_default();
                                    send(false);
                                }
                            }
                        >
                            "No"
                        </button>
                    </form>
                }
                .into_any(),
                Some(true) => view! {
                    <p data-testid="feedback-thanks">"Thanks for letting us know. Glad it helped!"</p>
                }
                .into_any(),
                Some(false) => view! {
                    <p data-testid="feedback-thanks">
                        "Thanks for telling us. We'll use your answer to improve this article."
                    </p>
                    <p data-testid="ask-the-team">
                        "Still stuck? "<a href=crate::urls::ASK_THE_TEAM>"Ask our team"</a>
                        " and we'll pick up from here."
                    </p>
                }
                .into_any(),
            }}
            {move || failed.get().then(|| view! {
                <p class="error" role="alert">"We couldn't save your answer. Please try again later."</p>
            })}
        </section>
    }
}

/// Records a visitor's answer to "Was this helpful?". A plain form post (no
/// JavaScript) is sent back to the article with the answer in the address, so the
/// page can thank the visitor. `_csrf` is checked by the server's middleware.
#[server(endpoint = "feedback")]
pub async fn record_feedback(slug: String, helpful: bool, _csrf: String) -> Result<(), AppError> {
    use crate::backend::{redirect_after_form, use_content, use_events, use_visitor};
    use telepath_domain::EventKind;

    if use_content().article(&slug).is_none() {
        // The caller's mistake (a forged or stale form): answered 400 by the server.
        return Err(AppError::BadRequest(format!("no article is called {slug:?}")));
    }
    if let Some(visitor) = use_visitor() {
        // Ours: the server logged why; the visitor is shown plain words.
        use_events().record(&visitor, EventKind::ArticleFeedback { slug: slug.clone(), helpful }).await?;
    }
    redirect_after_form(&format!("{}?helpful={helpful}#feedback", crate::urls::article(&slug)));
    Ok(())
}
