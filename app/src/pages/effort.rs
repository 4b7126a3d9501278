//! The effort question (Customer Effort Score) wherever something was just done:
//! a plain form whose five score buttons each send it, so one click answers without
//! JavaScript, and once answered, thanks with a way to change the answer.

use crate::backend::{EFFORT_SCORE_FIELD, use_csrf_token};
use crate::visitor::CSRF_FIELD;
use leptos::either::Either;
use leptos::prelude::*;
use telepath_domain::{EFFORT_QUESTION, EffortScore};

/// The question, posting to `action`; `answer` is the visitor's score so far, and
/// `changed` says it just replaced an earlier one.
#[component]
pub fn EffortQuestion(action: String, answer: Option<EffortScore>, changed: bool) -> impl IntoView {
    let form = view! { <EffortForm action answer/> };
    view! {
        <section class="effort" id="effort" data-testid="effort">
            {match answer {
                None => Either::Left(form),
                Some(score) => Either::Right(view! {
                    <p class="effort-thanks" data-testid="effort-thanks">
                        {format!("Thanks — you rated the effort {score} of 5 ({}).", score.words())}
                        {changed.then_some(" It replaces your earlier answer.")}
                    </p>
                    <details class="effort-change">
                        <summary data-testid="effort-change">"Change your answer"</summary>
                        {form}
                    </details>
                }),
            }}
        </section>
    }
}

/// One fieldset: the question as its legend, what the ends mean, and a button per
/// score named by its number and words.
#[component]
fn EffortForm(action: String, answer: Option<EffortScore>) -> impl IntoView {
    view! {
        <form class="effort-form" method="post" action=action>
            <input type="hidden" name=CSRF_FIELD value=use_csrf_token()/>
            <fieldset>
                <legend>{EFFORT_QUESTION}</legend>
                <p class="effort-ends" id="effort-ends">
                    "1 means it took very little effort, 5 that it took a great deal. One click sends your answer."
                </p>
                <div class="effort-scale">
                    {EffortScore::all()
                        .map(|score| {
                            let chosen = answer == Some(score);
                            view! {
                                <button
                                    type="submit"
                                    name=EFFORT_SCORE_FIELD
                                    value=score.to_string()
                                    class="effort-choice"
                                    class:chosen=chosen
                                    aria-current=chosen.then_some("true")
                                    aria-describedby="effort-ends"
                                    data-testid=format!("effort-{score}")
                                >
                                    <span class="effort-number">{score.to_string()}</span>
                                    <span class="effort-label">{score.label()}</span>
                                    {chosen.then(|| view! { <span class="visually-hidden">" (your answer)"</span> })}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
            </fieldset>
        </form>
    }
}
