use crate::wire::LevelWording;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// "Are you new, somewhat technical, or an expert?" on a first visit: one line, three
/// answers and "Not now", never in the way. Without JavaScript it is a form that
/// remembers the answer and goes to the level's welcome kit; with JavaScript the
/// answer is saved in the background and the kit opens straight away.
#[island]
pub fn LevelQuestion(question: String, levels: Vec<LevelWording>, csrf: String) -> impl IntoView {
    let skipped = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let hydrated = super::hydration_marker();

    let answer = {
        let csrf = csrf.clone();
        move |choice: String| {
            let csrf = csrf.clone();
            leptos::task::spawn_local(async move {
                match choose_level(choice, None, csrf).await {
                    Ok(destination) if destination == "/" => skipped.set(true),
                    Ok(destination) => {
                        if window().location().set_href(&destination).is_err() {
                            failed.set(true);
                        }
                    }
                    Err(_) => failed.set(true),
                }
            });
        }
    };
    let choice_button = {
        let answer = answer.clone();
        move |value: String, content: AnyView, class: &'static str, test_id: String| {
            let answer = answer.clone();
            view! {
                <button
                    type="submit"
                    name="level"
                    value=value.clone()
                    class=class
                    data-testid=test_id
                    on:click=move |event| {
                        event.prevent_default();
                        answer(value.clone());
                    }
                >
                    {content}
                </button>
            }
        }
    };

    view! {
        <section
            class="level-question"
            aria-labelledby="level-question-heading"
            data-testid="level-question"
            data-hydrated=hydrated
            aria-live="polite"
        >
            <p data-testid="level-skipped" hidden=move || !skipped.get()>
                "No problem. You can choose a level any time from the top of the page."
            </p>
            <form method="post" action=ChooseLevel::PATH hidden=move || skipped.get()>
                    <input type="hidden" name="_csrf" value=csrf.clone()/>
                    <h2 id="level-question-heading" class="section-title">{question.clone()}</h2>
                    <div class="level-choices">
                        {levels
                            .iter()
                            .map(|wording| choice_button(
                                wording.level.to_string(),
                                view! { <strong>{wording.choice.clone()}</strong><span>{wording.description.clone()}</span> }.into_any(),
                                "level-choice",
                                format!("choose-{}", wording.level),
                            ))
                            .collect_view()}
                    </div>
                    {choice_button("skip".into(), "Not now".into_any(), "link-button", "skip-level".into())}
            </form>
            {move || failed.get().then(|| view! {
                <p class="error" role="alert">"We couldn't save your answer. Please try again."</p>
            })}
        </section>
    }
}

/// Remembers the visitor's level (`skip` to not answer, empty to forget it) and says
/// where to go next: `return_to` if it is a page on this site, else the level's
/// welcome kit, else the home page. A plain form post is redirected there. `_csrf`
/// is checked by the server's middleware before this runs.
#[server(endpoint = "level")]
pub async fn choose_level(
    level: String,
    return_to: Option<String>,
    _csrf: String,
) -> Result<String, crate::error::AppError> {
    use crate::backend::{redirect_after_form, set_cookie};
    use crate::visitor::{LevelAnswer, local_return_path};

    let answer = LevelAnswer::from_form(&level);
    set_cookie(&answer.set_cookie());
    let destination = match (return_to.as_deref().and_then(local_return_path), answer.level()) {
        (Some(path), _) => path.to_owned(),
        (None, Some(level)) => crate::urls::kit(level),
        (None, None) => "/".to_owned(),
    };
    redirect_after_form(&destination);
    Ok(destination)
}
