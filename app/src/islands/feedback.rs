use crate::error::AppError;
use crate::visitor::ArticleVote;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};

/// What people usually go on to next (an article or a task), as the feedback box links it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NextAnswer {
    /// The link, saying which article it is followed from, so the click is recorded.
    pub href: String,
    pub title: String,
}

/// Longer answers to "What were you looking for?" are cut: it asks for a few words.
const MAX_LOOKING_FOR_CHARS: usize = 500;

/// "Was this helpful?" under every article, then one way on. A "No" asks one short
/// question ("What were you looking for?", optional) and puts the next likely
/// answers under it; without any, the team (unless the page offers it already). The
/// vote is remembered, so a revisit shows the answer, not the question again.
/// Without JavaScript each step is a plain form that comes back to the article; with
/// JavaScript each is sent in the background and answered in place.
#[island]
pub fn ArticleFeedback(
    slug: String,
    vote: Option<ArticleVote>,
    next: Vec<NextAnswer>,
    /// The page already offers the team's help, so the box does not offer it twice.
    team_offered: bool,
    csrf: String,
) -> impl IntoView {
    let vote = RwSignal::new(vote);
    let failed = RwSignal::new(false);
    let looking_for = RwSignal::new(String::new());
    let hydrated = super::hydration_marker();
    let has_next = !next.is_empty();

    let send_vote = {
        let (slug, csrf) = (slug.clone(), csrf.clone());
        move |helpful: bool| {
            let (slug, csrf) = (slug.clone(), csrf.clone());
            vote.set(Some(if helpful { ArticleVote::Helpful } else { ArticleVote::NotHelpful }));
            focus_thanks();
            leptos::task::spawn_local(async move {
                failed.set(record_feedback(slug, helpful, csrf).await.is_err());
            });
        }
    };
    let send_looking_for = {
        let (slug, csrf) = (slug.clone(), csrf.clone());
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let (slug, csrf) = (slug.clone(), csrf.clone());
            let text = looking_for.get_untracked();
            vote.set(Some(ArticleVote::NotHelpfulAnswered));
            focus_thanks();
            leptos::task::spawn_local(async move {
                failed.set(explain_feedback(slug, Some(text), csrf).await.is_err());
            });
        }
    };
    let vote_button = move |helpful: bool| {
        let send = send_vote.clone();
        view! {
            <button
                type="submit"
                name="helpful"
                value=helpful.to_string()
                data-testid=if helpful { "feedback-yes" } else { "feedback-no" }
                on:click=move |event| {
                    event.prevent_default();
                    send(helpful);
                }
            >
                {if helpful { "Yes" } else { "No" }}
            </button>
        }
    };
    let not_helpful = move || vote.get().is_some_and(|vote| !vote.is_helpful());

    view! {
        <section
            id="feedback"
            class="feedback"
            data-testid="feedback"
            data-hydrated=hydrated
            aria-live="polite"
        >
            {move || match vote.get() {
                None => view! {
                    <form method="post" action=RecordFeedback::PATH class="feedback-form">
                        <input type="hidden" name="_csrf" value=csrf.clone()/>
                        <input type="hidden" name="slug" value=slug.clone()/>
                        <span class="feedback-question">"Was this article helpful?"</span>
                        {vote_button(true)}
                        {vote_button(false)}
                    </form>
                }
                .into_any(),
                Some(ArticleVote::Helpful) => view! {
                    <p data-testid="feedback-thanks" id="feedback-thanks" tabindex="-1">
                        "Thanks for letting us know. Glad it helped!"
                    </p>
                }
                .into_any(),
                Some(ArticleVote::NotHelpful) => view! {
                    <p data-testid="feedback-thanks" id="feedback-thanks" tabindex="-1">
                        "Thanks for telling us."
                    </p>
                    <form
                        method="post"
                        action=ExplainFeedback::PATH
                        class="looking-for-form"
                        data-testid="looking-for-form"
                        on:submit=send_looking_for.clone()
                    >
                        <input type="hidden" name="_csrf" value=csrf.clone()/>
                        <input type="hidden" name="slug" value=slug.clone()/>
                        <label for="looking-for">
                            "What were you looking for?"<span class="optional">" (optional)"</span>
                        </label>
                        <div class="looking-for-row">
                            <input
                                id="looking-for"
                                type="text"
                                name="looking_for"
                                maxlength=MAX_LOOKING_FOR_CHARS.to_string()
                                autocomplete="off"
                                data-testid="looking-for"
                                on:input=move |event| looking_for.set(event_target_value(&event))
                            />
                            <button type="submit" data-testid="send-looking-for">"Send"</button>
                        </div>
                    </form>
                }
                .into_any(),
                Some(ArticleVote::NotHelpfulAnswered) => view! {
                    <p data-testid="feedback-thanks" id="feedback-thanks" tabindex="-1">
                        "Thanks. We'll use your answer to improve this article."
                    </p>
                }
                .into_any(),
            }}
            {move || (not_helpful() && !has_next && !team_offered).then(|| view! {
                <p class="feedback-way-on" data-testid="ask-the-team">
                    "Still stuck? "<a href=crate::urls::ASK_THE_TEAM>"Ask our team"</a>
                    " and we'll pick up from here."
                </p>
            })}
            {move || failed.get().then(|| view! {
                <p class="error" role="alert">"We couldn't save your answer. Please try again later."</p>
            })}
        </section>
        {has_next.then(|| view! {
            <section class="next-questions" aria-labelledby="next-heading" data-testid="next-questions">
                <h2 id="next-heading">
                    {move || if not_helpful() { "These may answer it" } else { "People usually ask next" }}
                </h2>
                <ul class="article-list compact">
                    {next
                        .into_iter()
                        .map(|answer| view! { <li><a href=answer.href>{answer.title}</a></li> })
                        .collect_view()}
                </ul>
            </section>
        })}
    }
}

/// Moves focus to the thanks that replaced the button just pressed, so keyboard and
/// screen reader users are not dropped at the top of the page.
fn focus_thanks() {
    #[cfg(feature = "hydrate")]
    request_animation_frame(|| {
        use leptos::wasm_bindgen::JsCast;
        if let Some(thanks) = document().get_element_by_id("feedback-thanks") {
            let _ = thanks.unchecked_into::<web_sys::HtmlElement>().focus();
        }
    });
}

/// Records a visitor's answer to "Was this helpful?" and remembers it. A plain form
/// post (no JavaScript) is sent back to the article's feedback box. `_csrf` is
/// checked by the server's middleware.
#[server(endpoint = "feedback")]
pub async fn record_feedback(slug: String, helpful: bool, _csrf: String) -> Result<(), AppError> {
    let vote = if helpful { ArticleVote::Helpful } else { ArticleVote::NotHelpful };
    save_vote(&slug, helpful, None, vote).await
}

/// Records what a visitor who said "No" was looking for (nothing, if they sent it
/// empty), with their vote. A plain form post is sent back to the article.
#[server(endpoint = "feedback-looking-for")]
pub async fn explain_feedback(
    slug: String,
    looking_for: Option<String>,
    _csrf: String,
) -> Result<(), AppError> {
    let looking_for: String =
        looking_for.unwrap_or_default().trim().chars().take(MAX_LOOKING_FOR_CHARS).collect();
    save_vote(
        &slug,
        false,
        Some(looking_for).filter(|text| !text.is_empty()),
        ArticleVote::NotHelpfulAnswered,
    )
    .await
}

/// Stores the vote as an event (not when the visitor passed on the question: there
/// is nothing new to store) and remembers it in the visitor's cookie.
#[cfg(feature = "ssr")]
async fn save_vote(
    slug: &str,
    helpful: bool,
    looking_for: Option<String>,
    vote: ArticleVote,
) -> Result<(), AppError> {
    use crate::backend::{
        redirect_after_form, set_cookie, use_content, use_events, use_visitor, use_visitor_prefs,
    };
    use telepath_domain::EventKind;

    if use_content().article(slug).is_none() {
        // The caller's mistake (a forged or stale form): answered 400 by the server.
        return Err(AppError::BadRequest(format!("no article is called {slug:?}")));
    }
    let passed_on_the_question = vote == ArticleVote::NotHelpfulAnswered && looking_for.is_none();
    if let Some(visitor) = use_visitor().filter(|_| !passed_on_the_question) {
        let event = EventKind::ArticleFeedback { slug: slug.to_owned(), helpful, looking_for };
        // Ours: the server logged why; the visitor is shown plain words.
        use_events().record(&visitor, event).await?;
    }
    set_cookie(&use_visitor_prefs().votes.with(slug, vote).set_cookie());
    redirect_after_form(&format!("{}#feedback", crate::urls::article(slug)));
    Ok(())
}
