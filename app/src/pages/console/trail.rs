//! The customer's trail beside the conversation: who they are to the help centre
//! (their level), where they are now, their welcome kit and the notices they saw,
//! why chat was offered, what they read, searched, voted and got wrong, and their
//! earlier conversations.

use super::LevelBadge;
use crate::islands::NOW_ON_ID;
use crate::urls;
use crate::wire::{EarlierConversation, TrailEntry, TrailLink, TrailStep, TrailView};
use leptos::prelude::*;
use telepath_domain::ConversationState;

#[component]
pub fn Trail(trail: TrailView) -> impl IntoView {
    let quiet = trail.steps.is_empty();
    view! {
        <aside class="trail" aria-labelledby="trail-heading" data-testid="trail">
            <h2 id="trail-heading">"What the customer did"</h2>
            <dl class="trail-facts">
                <dt>"Level"</dt>
                <dd><LevelBadge level=trail.level/></dd>
                <dt>"Now on"</dt>
                <dd id=NOW_ON_ID data-testid="now-on">
                    {match trail.now_on {
                        Some(page) => view! { <TrailAnchor link=page/> }.into_any(),
                        None => view! { <span class="muted">"No page seen"</span> }.into_any(),
                    }}
                </dd>
                {trail.kit.map(|kit| view! {
                    <dt>"Welcome kit"</dt>
                    <dd data-testid="trail-kit">
                        <a href=kit.href target="_blank">{format!("{} of {} steps done", kit.done, kit.steps)}</a>
                    </dd>
                })}
                {(!trail.notices.is_empty()).then(|| view! {
                    <dt>"Notices on screen"</dt>
                    <dd>
                        <ul class="notices-seen" data-testid="trail-notices">
                            {trail.notices.into_iter().map(|notice| view! {
                                <li data-testid="trail-notice" data-dismissed=notice.dismissed.then_some("true")>
                                    <span dir="auto">{notice.title}</span>
                                    {notice.dismissed.then(|| view! { " "<span class="muted">"(dismissed)"</span> })}
                                </li>
                            }).collect_view()}
                        </ul>
                    </dd>
                })}
                {(!trail.offer_reasons.is_empty()).then(|| view! {
                    <dt>"Chat offered because"</dt>
                    <dd>
                        <ul class="offer-reasons" data-testid="offer-reasons">
                            {trail.offer_reasons.into_iter().map(|reason| view! { <li>{reason}</li> }).collect_view()}
                        </ul>
                    </dd>
                })}
            </dl>
            <h3>"Before and during the chat"</h3>
            {trail.earlier_steps_left_out.then(|| view! { <p class="muted">"Earlier steps are left out."</p> })}
            {if quiet {
                view! { <p class="muted" data-testid="trail-empty">"Nothing recorded: the customer's browser may ask not to be tracked."</p> }.into_any()
            } else {
                view! {
                    <ol class="trail-steps">
                        {trail.steps.into_iter().map(|step| view! { <Step step/> }).collect_view()}
                    </ol>
                }.into_any()
            }}
            <h3>"Earlier conversations"</h3>
            {if trail.earlier.is_empty() {
                view! { <p class="muted" data-testid="no-earlier">"None: this is their first."</p> }.into_any()
            } else {
                view! {
                    <ul class="earlier-list">
                        {trail.earlier.into_iter().map(|earlier| view! { <Earlier earlier/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </aside>
    }
    .into_any()
}

#[component]
fn Step(step: TrailStep) -> impl IntoView {
    let (kind, what) = match step.what {
        TrailEntry::Read { page, spent } => (
            "read",
            view! {
                "Read "<TrailAnchor link=page/>
                {spent.map(|spent| view! { <span class="muted">{format!(" for {spent}")}</span> })}
            }
            .into_any(),
        ),
        TrailEntry::Searched { query, results, opened } => {
            let failed = results == 0;
            let found = match results {
                0 => "found nothing".to_owned(),
                1 => "1 result".to_owned(),
                n => format!("{n} results"),
            };
            (
                if failed { "search-failed" } else { "searched" },
                view! {
                    "Searched "<q dir="auto">{query}</q>" "
                    <span class=if failed { "badge failed" } else { "muted" }>{found}</span>
                    {(!opened.is_empty()).then(|| view! {
                        <br/>"Opened "
                        {opened.into_iter().map(|link| view! { <TrailAnchor link/>" " }).collect_view()}
                    })}
                }
                .into_any(),
            )
        }
        TrailEntry::Voted { article, helpful, looking_for } => (
            if helpful { "voted-yes" } else { "voted-no" },
            view! {
                {if helpful { "Found " } else { "Did not find " }}<TrailAnchor link=article/>{" helpful"}
                {looking_for.map(|looking_for| view! { <br/>"Was looking for: "<q dir="auto">{looking_for}</q> })}
            }
            .into_any(),
        ),
        TrailEntry::TaskErrors { task, fields } => (
            "task-errors",
            view! {
                <TrailAnchor link=task/>" sent back:"
                <ul class="refused-fields">
                    {fields.into_iter().map(|field| view! {
                        <li data-testid="refused-field">
                            <span class="badge failed">{field.label}</span>
                            {field.message.map(|message| format!(": {message}"))}
                        </li>
                    }).collect_view()}
                </ul>
            }
            .into_any(),
        ),
        TrailEntry::TaskSent { task, reference } => (
            "task-sent",
            view! { "Sent "<TrailAnchor link=task/>" "<span class="muted">{reference}</span> }.into_any(),
        ),
    };
    view! {
        <li class=format!("trail-step trail-{kind}") data-testid="trail-step" data-kind=kind>
            <span class="trail-time muted">{step.time_text}</span>
            <span class="trail-what">{what}</span>
        </li>
    }
    .into_any()
}

/// A page of the help centre, opened in a new tab so the conversation stays put.
#[component]
fn TrailAnchor(link: TrailLink) -> impl IntoView {
    view! { <a href=link.href target="_blank" dir="auto">{link.title}</a> }
}

#[component]
fn Earlier(earlier: EarlierConversation) -> impl IntoView {
    let how = match (earlier.state, earlier.resolution) {
        (ConversationState::Closed, Some(resolution)) => resolution.label().to_owned(),
        (ConversationState::Closed, None) => "Closed".to_owned(),
        (ConversationState::Active, _) => "Still open".to_owned(),
        (ConversationState::Waiting, _) => "Waiting".to_owned(),
    };
    view! {
        <li data-testid="earlier-conversation">
            <a href=urls::console_conversation(earlier.id)>{format!("#{} ", earlier.id)}</a>
            {earlier.opened_text}" · "{how}
            {earlier.effort.map(|effort| view! { " · "<span data-testid="earlier-effort">{format!("Effort {effort}")}</span> })}
        </li>
    }
}
